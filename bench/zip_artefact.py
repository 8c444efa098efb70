"""Zip a deployment artefact the way `make build` does (deflate level 9, fixed timestamps, modes kept).

usage: zip_artefact.py OUT.zip BASE_DIR PATH... ; each PATH (a file or a directory, recursively) is stored
under its path relative to BASE_DIR. Prints the zip's size in bytes.
"""

import os
import sys
import zipfile


def entries(base, paths):
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    yield os.path.join(root, name)
        else:
            yield path


def main(out, base, *paths):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in entries(base, paths):
            info = zipfile.ZipInfo(os.path.relpath(path, base), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (os.stat(path).st_mode & 0o777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as source:
                archive.writestr(info, source.read(), compresslevel=9)
    print(os.path.getsize(out))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
