"""Training and inference: seeding, devices and precision, batching, the training loop."""
