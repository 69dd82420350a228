"""The web console's sources digest: what the shipped bundle was built from.

`python scripts/console_sources.py write DIR` records the digest of web/ (sources, configuration
and lockfile; not node_modules, not the generated src/gql) in DIR/sources.sha256;
`python scripts/console_sources.py check` fails when the shipped bundle's record differs, i.e. when
web/ changed and the console was not rebuilt. The check needs no Node.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
SHIPPED = ROOT / "incident_graph" / "api" / "http" / "static" / "console"
RECORD = "sources.sha256"
SKIPPED = ({"node_modules"}, ("src", "gql"))


def _sources() -> list[Path]:
    files = []
    for path in WEB.rglob("*"):
        parts = path.relative_to(WEB).parts
        if not path.is_file() or parts[0] in SKIPPED[0] or parts[:2] == SKIPPED[1]:
            continue
        files.append(path)
    return sorted(files, key=lambda p: p.relative_to(WEB).as_posix())


def digest() -> str:
    sha = hashlib.sha256()
    for path in _sources():
        sha.update(path.relative_to(WEB).as_posix().encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()


def main(argv: list[str]) -> int:
    if argv[:1] == ["write"] and len(argv) == 2:
        (Path(argv[1]) / RECORD).write_text(digest() + "\n")
        return 0
    if argv == ["check"]:
        recorded = (SHIPPED / RECORD).read_text().strip() if (SHIPPED / RECORD).exists() else ""
        if recorded != digest():
            print(
                "the shipped console is stale: web/ changed since it was built; "
                "run scripts/build-console and commit incident_graph/api/http/static/console",
                file=sys.stderr,
            )
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
