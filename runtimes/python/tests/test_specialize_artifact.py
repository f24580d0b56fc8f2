"""The artifact of a Kubernetes pool specialization: parse_artifact and unpack (pure, on temporary directories)."""

from __future__ import annotations

import base64
import io
import json
import os
import sys
import tarfile
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from serverless_runtime.specialize import parse_artifact, unpack  # noqa: E402


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class ParseArtifactTests(unittest.TestCase):
    def test_cases(self) -> None:
        cases = [
            ({"functionPath": "/f"}, None, None),
            ({"artifact": base64.b64encode(b"abc").decode()}, b"abc", None),
            ({"artifact": 3}, None, "artifact must be a base64 string (a .tar.gz)"),
            ({"artifact": "not base64!"}, None, "artifact is not base64"),
        ]
        for document, expected, error in cases:
            with self.subTest(document=document):
                artifact, problem = parse_artifact(json.dumps(document).encode())
                self.assertEqual(expected, artifact)
                if error is None:
                    self.assertIsNone(problem)
                else:
                    self.assertIn(error, problem)


class UnpackTests(unittest.TestCase):
    def test_unpacks_into_empty_directory(self) -> None:
        with tempfile.TemporaryDirectory() as directory:
            self.assertIsNone(unpack(_tar_gz({"main.py": b"def handle(r):\n    return 'hi'\n", "lib/x.py": b""}), directory))
            self.assertTrue(os.path.isfile(os.path.join(directory, "main.py")))
            self.assertTrue(os.path.isfile(os.path.join(directory, "lib", "x.py")))

    def test_refusals(self) -> None:
        with tempfile.TemporaryDirectory() as directory:
            self.assertIn("cannot be unpacked", unpack(_tar_gz({"../escape.py": b"x"}), directory))
            self.assertFalse(os.path.exists(os.path.join(os.path.dirname(directory), "escape.py")))
        with tempfile.TemporaryDirectory() as directory:
            self.assertIn("cannot be unpacked", unpack(b"not a tar", directory))
        with tempfile.TemporaryDirectory() as directory:
            open(os.path.join(directory, "there"), "w").close()
            self.assertIn("is not empty", unpack(_tar_gz({"a.py": b""}), directory))
        self.assertIn("is not a directory", unpack(_tar_gz({"a.py": b""}), "/nonexistent/dir"))


if __name__ == "__main__":
    unittest.main()
