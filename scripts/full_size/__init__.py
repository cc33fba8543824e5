"""Full-size synthetic data in the official XTREME-R download layout (scripts/full_size_data.py).

    sizes.json      every split's size per language, each figure with its source and whether a
                    source confirms it; the length distributions texts are drawn from
    sizes.py        reading sizes.json, scaling its counts, the tables of docs/performance.md
    text.py         a pseudo-lexicon per language, length sampling, sentences with word offsets
    output.py       the output folder: streamed files, counts and bytes written
    pairs.py        XNLI, PAWS-X
    choice.py       XCOPA (with COPA and Social IQa)
    tagging.py      UD-POS, WikiANN-NER (PAN-X)
    qa.py           SQuAD, XQuAD, MLQA, TyDiQA-GoldP, LAReQA (XQuAD-R)
    retrieval.py    Tatoeba, Mewsli-X
    build.py        which generator writes which task, and running them

Texts are random words, not language: the files exercise sizes, lengths and formats (throughput,
memory, scale), never model quality. This folder is imported with ``scripts/`` on ``sys.path``
(the script does that), beside ``sample_data``, whose lexicon and helpers it reuses.
"""
