"""GraphiQL's browser build, fetched once from the npm registry at install time.

No maintained Python package ships GraphiQL's JavaScript (Strawberry's page loads it from a
CDN), so `make install` and the image's build run this script: `npm pack` fetches the pinned
packages, their tarballs are checked against the pinned SHA-512 digests, and the few files
the page needs are extracted beside this module (git-ignored, shipped as package data).

Standard library only, so it runs before the project's dependencies are installed:
`python3 app/api/graphiql_assets.py [--into DIR]`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "graphiql"


@dataclass(frozen=True)
class NpmPackage:
    """A pinned npm release and the files taken from it (tarball path → served name)."""

    name: str
    version: str
    integrity: str
    files: dict[str, str]

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


# GraphiQL 3.x is the last line with a browser (UMD) build; it runs on React 18's UMD build.
PACKAGES = (
    NpmPackage(
        "graphiql",
        "3.9.0",
        "sha512-rJYFlHdBbug9+YbFSwRVvgfPjCayC7wHecZkx/qB4XLuQPFQZw/yB9pmHFtOJV6RiNBBHro3u1GdocKa3YcGRA==",
        {
            "graphiql.min.js": "graphiql.min.js",
            "graphiql.min.css": "graphiql.min.css",
            "LICENSE": "LICENSE.graphiql",
        },
    ),
    NpmPackage(
        "react",
        "18.3.1",
        "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
        {"umd/react.production.min.js": "react.production.min.js", "LICENSE": "LICENSE.react"},
    ),
    NpmPackage(
        "react-dom",
        "18.3.1",
        "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
        {
            "umd/react-dom.production.min.js": "react-dom.production.min.js",
            "LICENSE": "LICENSE.react-dom",
        },
    ),
)

# Records which pins a folder holds, so a second run with the same pins does nothing.
STAMP = "PINNED"


def _pins() -> str:
    return "".join(f"{package.spec} {package.integrity}\n" for package in PACKAGES)


def is_complete(folder: Path) -> bool:
    """The folder holds every file of the current pins."""
    stamp = folder / STAMP
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != _pins():
        return False
    return all((folder / served).is_file() for p in PACKAGES for served in p.files.values())


def _integrity(tarball: Path) -> str:
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def _pack(workdir: Path) -> dict[str, Path]:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "graphiql_assets: npm is needed once to fetch GraphiQL's browser build"
            " (Debian: apt-get install npm)."
        )
    specs = [package.spec for package in PACKAGES]
    packed = subprocess.run(
        [npm, "pack", *specs, "--json", "--silent", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return {entry["name"]: workdir / entry["filename"] for entry in json.loads(packed.stdout)}


def fetch(folder: Path) -> None:
    """Put the pinned files into `folder` unless they are there already."""
    if is_complete(folder):
        return
    with tempfile.TemporaryDirectory(prefix="graphiql-") as scratch:
        workdir = Path(scratch)
        tarballs = _pack(workdir)
        staging = workdir / "assets"
        staging.mkdir()
        for package in PACKAGES:
            tarball = tarballs[package.name]
            if _integrity(tarball) != package.integrity:
                raise SystemExit(f"graphiql_assets: {package.spec} does not match its pin.")
            with tarfile.open(tarball) as archive:
                for member, served in package.files.items():
                    source = archive.extractfile(f"package/{member}")
                    if source is None:
                        raise SystemExit(f"graphiql_assets: {package.spec} lacks {member}.")
                    (staging / served).write_bytes(source.read())
        (staging / STAMP).write_text(_pins(), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, folder)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fetch GraphiQL's pinned browser build.")
    parser.add_argument("--into", type=Path, default=ASSETS_DIR, help="Target folder.")
    fetch(parser.parse_args(argv).into)


if __name__ == "__main__":
    main(sys.argv[1:])
