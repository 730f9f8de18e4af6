"""Reads 10-digit strings (one per line) and writes, for each, 1 if the PyPI `nhs-number` package's
`nhs_number.is_valid` accepts it and 0 if not (one character per line). Used by Vigil's agreement test
(VIGIL_NHS_NUMBER_PYTHON) and benchmark to compare Vigil's check with the package on the same strings."""
import sys

import nhs_number


def main(source: str, target: str) -> None:
    with open(source, encoding="ascii") as lines, open(target, "w", encoding="ascii") as out:
        out.write("".join("1\n" if nhs_number.is_valid(line.rstrip("\n")) else "0\n" for line in lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
