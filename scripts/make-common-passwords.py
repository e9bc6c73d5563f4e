#!/usr/bin/env python3
"""Writes Resources/Data/common-passwords.txt: the 10,000 most common passwords.

Source: the `passwords` frequency list of zxcvbn 4.5.0 (PyPI, MIT licence; the list comes from
Mark Burnett's 10 million leaked passwords, ordered by frequency). Run once with
`pip install zxcvbn==4.5.0`; the output is committed so the server needs no Python.
"""
import pathlib
from zxcvbn.frequency_lists import FREQUENCY_LISTS

out = pathlib.Path(__file__).resolve().parent.parent / "Resources" / "Data" / "common-passwords.txt"
seen, words = set(), []
for word in FREQUENCY_LISTS["passwords"]:
    w = word.strip().lower()
    if w and w not in seen:
        seen.add(w)
        words.append(w)
    if len(words) == 10_000:
        break
out.write_text("\n".join(words) + "\n", encoding="utf-8")
print(f"{len(words)} passwords written to {out}")
