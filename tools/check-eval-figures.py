#!/usr/bin/env python3
"""Checks `edgegate eval --json` figures of a package check (tools/check-package.sh).

    check-eval-figures.py <eval.json> --photos N [--reference <eval.json of another package>]

Every photo is read and shows one face, every photo's nearest other photo is the same person and
every same-person pair scores above every different-person pair. With --reference every figure
equals the reference's: counts exactly, scores within 0.001 (another CPU architecture rounds
differently, a broken pipeline differs by far more). Prints a one-line summary; exit 1 with the
reasons when a check fails.
"""
import argparse
import json
import sys

TOLERANCE = 0.001


def differences(actual, expected, path="eval"):
    """Where two eval results differ beyond rounding: exact for integers, strings and structure."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual or key not in expected:
                yield f"{path}.{key}: only in {'the reference' if key in expected else 'this package'}"
            else:
                yield from differences(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(actual) != len(expected):
            yield f"{path}: {len(actual)} entries, the reference has {len(expected)}"
        for index, (a, e) in enumerate(zip(actual, expected)):
            yield from differences(a, e, f"{path}[{index}]")
    elif isinstance(expected, float) or isinstance(actual, float):
        numbers = all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (actual, expected))
        if not numbers or abs(actual - expected) > TOLERANCE:
            yield f"{path}: {actual}, the reference has {expected}"
    elif actual != expected:
        yield f"{path}: {actual!r}, the reference has {expected!r}"


def problems(figures, photos):
    expected_counts = {
        "images": photos,
        "images_unreadable": 0,
        "labelled": photos,
        "faces_missing": 0,
        "labelled_not_one_face": 0,
        "rank1_total": photos,
        "rank1_correct": photos,
    }
    for key, value in expected_counts.items():
        if figures.get(key) != value:
            yield f"{key} is {figures.get(key)}, expected {value}"
    if not figures.get("pairs_same") or not figures.get("pairs_diff"):
        yield "no same-person or no different-person pairs"
    if figures.get("auc") != 1:
        yield f"ROC AUC is {figures.get('auc')}: a different-person pair scores as high as a same-person pair"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_json")
    parser.add_argument("--photos", type=int, required=True)
    parser.add_argument("--reference")
    arguments = parser.parse_args()
    with open(arguments.eval_json, encoding="utf-8") as file:
        figures = json.load(file)
    found = list(problems(figures, arguments.photos))
    if arguments.reference:
        with open(arguments.reference, encoding="utf-8") as file:
            found += list(differences(figures, json.load(file)))
    if found:
        print("\n".join(found))
        return 1
    same, different = figures["cosine_same"], figures["cosine_diff"]
    summary = (f"one face each, same person {same['min']:.3f}-{same['max']:.3f}, "
               f"different {different['min']:.3f}-{different['max']:.3f}, rank-1 {figures['rank1_correct']}/{figures['rank1_total']}")
    if arguments.reference:
        summary += f", figures within {TOLERANCE} of the reference package's"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
