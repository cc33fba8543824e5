Juan Pérez compra la casa grande en Sevilla.
Universidad de Salamanca quiere el pan.
El niño lee el libro.
El niño lee el libro nuevo en Sevilla.
Él compra el agua.
Universidad de Salamanca quiere el libro en España.
El niño no compra el libro nuevo en la casa.
El niño compra dos libros en España.
José quiere tres casas.
María García no quiere el libro en España.
José ve el camino grande en Buenos Aires y él ve el libro grande.
José ve el libro pequeño.
Él ve dos libros.
Naciones Unidas lee el libro grande y Carlos ve la ciudad en España.
Él no lee el libro nuevo.
María García lee tres libros.
Banco de España quiere el libro en Buenos Aires.
El niño viejo lee el libro.
Juan Pérez quiere el agua vieja.
Él lee el libro nuevo en el camino y el niño viejo no lee el libro pequeño.
Carlos lee el libro pequeño en España.
María García no lee tres libros en Buenos Aires y Juan Pérez no compra el agua nueva.
María García no lee dos libros y él quiere el agua.
José quiere dos libros en Buenos Aires y María García lee el libro nuevo en el camino.
Banco de España compra la casa pequeña en Buenos Aires y el niño nuevo no ve dos casas.
José no lee dos libros en España y él no ve el camino pequeño.
Carlos no quiere el pan.
Él quiere tres casas.
Él lee el libro.
Él no compra el agua pequeña.
Juan Pérez quiere el agua.
Naciones Unidas compra el libro viejo en Buenos Aires.
Universidad de Salamanca no lee tres libros.
El niño pequeño no lee tres libros en Madrid.
Él ve la casa nueva.
Banco de España ve el camino.
Él quiere el pan grande en España y Juan Pérez quiere la casa vieja.
Universidad de Salamanca lee tres libros en España.
Banco de España quiere dos casas en Madrid y Universidad de Salamanca quiere el agua en Buenos Aires.
José no quiere el libro pequeño en la ciudad.
El niño ve dos caminos y Universidad de Salamanca lee dos libros en el camino.
José lee el libro viejo.
Naciones Unidas lee dos libros en Sevilla y José compra el agua en España.
María García quiere el libro nuevo en Buenos Aires y Naciones Unidas no quiere el agua nueva en España.
José ve el camino viejo en la ciudad.
José compra el pan pequeño en Sevilla y él lee el libro nuevo en la casa.
José no ve el camino.
Él compra el agua nueva en Buenos Aires.
José no ve el árbol pequeño en España.
Juan Pérez compra el pan y él compra tres libros.
Carlos compra la casa y el niño quiere el agua en la ciudad.
Naciones Unidas ve el camino nuevo.
Juan Pérez ve dos caminos.
Él compra dos casas.
Juan Pérez compra dos casas en Sevilla.
Banco de España quiere la casa nueva y Carlos compra el agua en la ciudad.
Universidad de Salamanca no lee el libro nuevo.
Él ve la casa en Madrid.
Carlos lee el libro en el camino y el niño lee el libro.
José lee el libro en el camino.
