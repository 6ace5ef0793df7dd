#!/usr/bin/python3
"""The source API's own Python client (archetypeai/python-client) against this service.

Starts the packaged jar on its embedded default (PostgreSQL and S3Proxy over the local disk, in
a temporary directory, on a free port), reads the generated API key as the README says, and
uses the real client as its README and examples do, with its default arguments:

  - ``files.local.upload(path, use_proxy=False)`` (``direct_upload``: initiate, part PUTs 8 at
    a time, a checkpoint per part, complete) of a file of random bytes written to disk, 2 GiB by
    default (``--sizes``);
  - the same for a small file, and ``files.local.upload(path)`` (the simple upload through the
    service, ``POST /v1/files``) of a small file;

then checks each file as a user would and as the store sees it: the call returned (within the
client's own retries), ``get_metadata(file_id=…)`` and ``get_info()`` give its size,
``download()`` gives the same SHA-256, and the bucket directory holds exactly one object of the
file's size and no other object than the registered files (no orphan, no leftover part). It
prints one JSON line per upload (times in seconds) and a summary; the exit status is 0 only when
every check held.

The client's code is NOT part of this repository. Point SOURCE_CLIENT_DIR at a checkout of
https://github.com/archetypeai/python-client (its ``src/archetypeai`` is imported from there).
Its HTTP dependencies come from Debian (run as the system Python, not a pyenv one):

    apt-get install -y python3-requests python3-requests-toolbelt
    ./mvnw -B -q package -DskipTests
    SOURCE_CLIENT_DIR=/path/to/python-client /usr/bin/python3 bench/source-client-upload.py
    ... --sizes 2G,5G          sizes of the direct uploads (K, M, G = powers of 1024)
    ... --stream-download      read large files back with a streamed GET of the same URL
                               instead of the client's download() (which holds the whole file in
                               memory)
    ... --resume-check 200M    also: the client's direct upload killed (SIGKILL, in a child
                               process) a third of the way, then upload(..., allow_resume=True)
                               must PUT only the parts not checkpointed
    ... --num-retries N        set files.local.num_retries (the only way to raise it: the client
                               builds files.local with its default, whatever ArchetypeAI is given)
    ... --service-arg=-D...    a JVM argument for the service (e.g. -Dfiles.upload.complete-wait=1s)
    ... --client-tests         also run the checkout's own tests/files_test.py and
                               tests/direct_upload_test.py with pytest (python3-pytest) against
                               the service; their 500 MB direct upload expects 400 MiB parts:
                               add --service-arg=-Dfiles.upload.part-size=400M

The client's package ``__init__`` imports every API of the platform (lens, kafka, SSE, ...);
when one of their libraries is missing (``httpx-sse`` has no Debian package), only the files
modules are loaded (``_common``, ``_errors``, ``_base``, ``_files``, ``_direct_upload``) and
``FilesApi(api_key, api_endpoint)`` is built exactly as ``ArchetypeAI.__init__`` builds
``client.files``. The first line printed says which way was taken. For ``--client-tests`` the
same holds: a pytest plugin written by this script gives the package a stand-in ``ArchetypeAI``
that builds ``files`` as the real one does, and nothing else.

CI cannot run this: PyPI is not reachable there and the client is not checked out. Disk: the
file, its parts in the store, the assembled object and the downloaded copy, about four times the
largest size, all in the temporary directory (``--tmp``), removed at the end.
"""

import argparse
import hashlib
import importlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import types
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper()
    if text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_client(source_dir):
    """The client's FilesApi, and how it was loaded."""
    src = os.path.join(source_dir, "src")
    if not os.path.isdir(os.path.join(src, "archetypeai")):
        sys.exit(f"SOURCE_CLIENT_DIR={source_dir} has no src/archetypeai")
    sys.path.insert(0, src)
    try:
        from archetypeai import ArchetypeAI  # noqa: F401  (the way its README starts)

        return (lambda key, endpoint: ArchetypeAI(key, api_endpoint=endpoint).files), "ArchetypeAI"
    except ImportError as missing:
        for name in [m for m in sys.modules if m == "archetypeai" or m.startswith("archetypeai.")]:
            del sys.modules[name]
        package = types.ModuleType("archetypeai")
        package.__path__ = [os.path.join(src, "archetypeai")]
        sys.modules["archetypeai"] = package
        files = importlib.import_module("archetypeai._files")
        importlib.import_module("archetypeai._direct_upload")
        how = f"files modules only ({missing})"
        return (lambda key, endpoint: files.FilesApi(key, endpoint)), how


class AttemptCounter(logging.Handler):
    """Keeps the client's warnings: its 'retrying...' (ApiBase._execute_request), failed
    checkpoints, part PUT retries."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.retries = []
        self.warnings = []

    def emit(self, record):
        message = record.getMessage()
        if message.startswith("Failed to get valid response"):
            self.retries.append(message[:160])
        else:
            self.warnings.append(message[:160])


def write_random(path, size):
    digest = hashlib.sha256()
    chunk = 8 << 20
    with open(path, "wb") as out:
        left = size
        while left:
            block = os.urandom(min(chunk, left))
            digest.update(block)
            out.write(block)
            left -= len(block)
    return digest.hexdigest()


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(8 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bucket_objects(objects_dir):
    """(relative path, size) of every regular file in the store's bucket directories."""
    found = []
    for root, _dirs, names in os.walk(objects_dir):
        for name in names:
            full = os.path.join(root, name)
            found.append((os.path.relpath(full, objects_dir), os.path.getsize(full)))
    return found


# A pytest plugin for --client-tests: a full checkout with all its libraries imports as it is;
# otherwise the package gets a stand-in ArchetypeAI that builds `files` exactly as the client's
# ArchetypeAI.__init__ does (FilesApi with the keyword arguments its __init__ takes) and nothing
# else, and the client's own ApiError.
CLIENT_TESTS_PLUGIN = """
import importlib, os, sys, types
try:
    from archetypeai import ArchetypeAI, ApiError  # noqa: F401
except ImportError:
    for name in [m for m in sys.modules if m == "archetypeai" or m.startswith("archetypeai.")]:
        del sys.modules[name]
    package = types.ModuleType("archetypeai")
    package.__path__ = [os.path.join(os.environ["SOURCE_CLIENT_SRC"], "archetypeai")]
    sys.modules["archetypeai"] = package
    files = importlib.import_module("archetypeai._files")
    common = importlib.import_module("archetypeai._common")

    class ArchetypeAI:
        def __init__(self, api_key, api_endpoint=common.DEFAULT_ENDPOINT, **kwargs):
            input_args = {"api_key": api_key, "api_endpoint": api_endpoint, **kwargs}
            self.files = files.FilesApi(**common.filter_kwargs(files.FilesApi.__init__, input_args))

    package.ArchetypeAI = ArchetypeAI
    package.ApiError = importlib.import_module("archetypeai._errors").ApiError
"""


def run_client_tests(source_dir, tmp, base, api_key):
    """The checkout's own files tests, against this service; returns (ok, summary line)."""
    tests = [os.path.join(source_dir, "tests", t) for t in ("files_test.py", "direct_upload_test.py")]
    tests = [t for t in tests if os.path.isfile(t)]
    if not tests:
        return False, "no tests/files_test.py or tests/direct_upload_test.py in the checkout"
    plugin_dir = os.path.join(tmp, "plugin")
    os.makedirs(plugin_dir, exist_ok=True)
    with open(os.path.join(plugin_dir, "source_client_shim.py"), "w") as f:
        f.write(CLIENT_TESTS_PLUGIN)
    env = {**os.environ, "ATAI_API_KEY": api_key, "ATAI_API_ENDPOINT": base + "/v1",
           "SOURCE_CLIENT_SRC": os.path.join(source_dir, "src"),
           "PYTHONPATH": os.pathsep.join([plugin_dir, os.path.join(source_dir, "src")]),
           "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "source_client_shim", "-p", "no:cacheprovider", "-q",
         "--basetemp", os.path.join(tmp, "pytest"), *tests],
        cwd=os.path.join(source_dir, "tests"), env=env, capture_output=True, text=True)
    lines = (result.stdout + result.stderr).strip().splitlines()
    with open(os.path.join(tmp, "client-tests.log"), "w") as f:
        f.write(result.stdout + result.stderr)
    return result.returncode == 0, lines[-1] if lines else "no output"


def child_upload(path):
    """The killed session: the client's direct upload, printing each finished part."""
    make_files_api, _how = load_client(os.environ["SOURCE_CLIENT_DIR"])
    files = make_files_api(os.environ["FILES_API_KEY"], os.environ["FILES_API"])

    def on_progress(done, total, done_bytes, total_bytes):
        print(f"{done} {total}", flush=True)

    files.local.upload(path, use_proxy=False, on_progress=on_progress)


def kill_mid_upload(path, base, api_key, source_dir):
    """Starts the client's direct upload of path in a child process and SIGKILLs it once a third
    of the parts are PUT and their checkpoints are in; returns what the service then holds."""
    child = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--child-upload", path],
        env={**os.environ, "SOURCE_CLIENT_DIR": source_dir, "FILES_API_KEY": api_key,
             "FILES_API": base + "/v1"},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    total = None
    for line in child.stdout:
        done, total = (int(x) for x in line.split())
        if done * 3 >= total:
            break
    headers = {"Authorization": "Bearer " + api_key}
    # Wait (bounded) until the service holds the checkpoints of the parts reported so far.
    deadline = time.monotonic() + 30
    while True:
        request = urllib.request.Request(base + "/v1/files/uploads?status=in_progress&limit=1", headers=headers)
        with urllib.request.urlopen(request) as r:
            uploads = json.load(r)["uploads"]
        checkpointed = len(uploads[0]["checkpointed_parts"]) if uploads else 0
        if checkpointed >= done or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    child.kill()
    child.wait()
    with urllib.request.urlopen(urllib.request.Request(
            base + "/v1/files/uploads?status=in_progress&limit=1", headers=headers)) as r:
        uploads = json.load(r)["uploads"]
    return {
        "num_parts": total,
        "reported_done": done,
        "checkpointed": len(uploads[0]["checkpointed_parts"]) if uploads else 0,
        "upload_id": uploads[0]["upload_id"] if uploads else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2G")
    parser.add_argument("--jar", default=os.path.join(HERE, "..", "target", "quarkus-app", "quarkus-run.jar"))
    parser.add_argument("--tmp", default=None, help="parent of the temporary directory")
    parser.add_argument("--stream-download", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--resume-check", default=None, metavar="SIZE",
                        help="also: a direct upload of SIZE killed (SIGKILL) after a third of its parts, "
                             "then the same upload(..., allow_resume=True)")
    parser.add_argument("--num-retries", type=int, default=None,
                        help="set files.local.num_retries (ArchetypeAI(num_retries=...) does not reach it)")
    parser.add_argument("--service-arg", action="append", default=[],
                        help="a JVM argument for the service, e.g. -Dfiles.upload.complete-wait=1s")
    parser.add_argument("--client-tests", action="store_true",
                        help="also run the checkout's own tests/files_test.py and tests/direct_upload_test.py "
                             "(pytest: apt-get install python3-pytest) against the service; their 500 MB direct "
                             "upload expects the source service's parts: --service-arg=-Dfiles.upload.part-size=400M")
    parser.add_argument("--child-upload", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_upload:
        return child_upload(args.child_upload)
    source_dir = os.environ.get("SOURCE_CLIENT_DIR")
    if not source_dir:
        sys.exit("set SOURCE_CLIENT_DIR to a checkout of archetypeai/python-client")
    jar = os.path.abspath(args.jar)
    if not os.path.isfile(jar):
        sys.exit(f"{jar} is missing: ./mvnw -B -q package -DskipTests")

    make_files_api, how = load_client(source_dir)
    counter = AttemptCounter()
    logging.getLogger().addHandler(counter)
    logging.getLogger().setLevel(logging.INFO)
    print(json.dumps({"client": how, "source_client_dir": source_dir, "load_average": os.getloadavg()}))

    tmp = tempfile.mkdtemp(prefix="source-client-", dir=args.tmp)
    embedded = os.path.join(tmp, "e")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(tmp, "service.log"), "wb")
    service = subprocess.Popen(
        ["java", f"-Dquarkus.http.port={port}", *args.service_arg, "-jar", jar],
        cwd=tmp,
        env={**os.environ, "FILES_EMBEDDED_DIR": embedded},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    failures = []
    try:
        deadline = time.monotonic() + 180
        while True:
            if service.poll() is not None:
                sys.exit(f"the service exited ({service.returncode}); see {tmp}/service.log")
            try:
                with urllib.request.urlopen(base + "/q/health/ready", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit("the service did not become ready in 180 s")
            time.sleep(0.5)
        # The README's way: the embedded default's generated key.
        with open(os.path.join(embedded, "api-key")) as f:
            api_key = f.read().strip()
        files = make_files_api(api_key, base + "/v1")
        if args.num_retries is not None:
            # FilesApi builds files.local with ApiBase's default num_retries (3); ArchetypeAI's
            # keyword arguments are filtered to FilesApi.__init__(api_key, api_endpoint).
            files.local.num_retries = args.num_retries
        objects_dir = os.path.join(embedded, "objects")
        data = os.path.join(tmp, "data")
        os.makedirs(data)

        cases = [("direct", 1024 + 7), ("simple", 4096 + 3)]
        cases += [("direct", parse_size(s)) for s in args.sizes.split(",") if s.strip()]
        if args.resume_check:
            cases.append(("resume", parse_size(args.resume_check)))
        for n, (kind, size) in enumerate(cases):
            name = f"{kind}-{n}-{size}.txt"
            path = os.path.join(data, name)
            sha = write_random(path, size)
            counter.retries.clear()
            counter.warnings.clear()
            progress = []

            def on_progress(done, total, done_bytes, total_bytes):
                progress.append(time.monotonic())

            killed = None
            if kind == "resume":
                killed = kill_mid_upload(path, base, api_key, source_dir)
                progress_calls = []

                def on_progress(done, total, done_bytes, total_bytes):  # noqa: F811
                    progress_calls.append(done)
                    progress.append(time.monotonic())

            started = time.monotonic()
            try:
                if kind == "direct":
                    # Defaults but for use_proxy; on_progress only records when each part ended.
                    answer = files.local.upload(path, use_proxy=False, on_progress=on_progress)
                elif kind == "resume":
                    answer = files.local.upload(path, use_proxy=False, on_progress=on_progress,
                                                allow_resume=True)
                else:
                    answer = files.local.upload(path)
                error = None
            except Exception as e:  # what a user would see
                answer, error = None, f"{type(e).__name__}: {e}"[:500]
            ended = time.monotonic()
            row = {
                "kind": kind,
                "file": name,
                "bytes": size,
                "upload_s": round(ended - started, 2),
                "parts": len(progress) or None,
                "last_put_to_file_s": round(ended - progress[-1], 2) if progress else None,
                "client_retries": len(counter.retries),
                "retry_messages": counter.retries[:5],
                "other_warnings": len(counter.warnings),
                "warning_messages": counter.warnings[:5],
                "answer": answer,
                "error": error,
            }
            checks = {}
            if killed is not None:
                row["killed_session"] = killed
                # A resumed upload reports the parts of the earlier session first (C), then C+1,
                # C+2, ... one per PUT; a fresh one 1, 2, ... N.
                n_parts = killed["num_parts"]
                if progress_calls and len(progress_calls) < n_parts:
                    resumed_with, puts = progress_calls[0], len(progress_calls) - 1
                else:
                    resumed_with, puts = 0, len(progress_calls)
                row["resumed_with_parts"] = resumed_with
                row["parts"] = puts
                checks["resumed_the_killed_upload"] = resumed_with >= killed["checkpointed"] > 0
                checks["put_only_the_rest"] = puts == n_parts - resumed_with
            if error is None:
                checks["answer_names_file"] = answer.get("file_id") == name
                meta = files.get_metadata(file_id=name)
                checks["metadata_size"] = meta.get("num_bytes") == size
                listed = [m for m in files.get_metadata() if m.get("file_id") == name]
                checks["listed_once_with_size"] = len(listed) == 1 and listed[0].get("num_bytes") == size
                checks["info_counts_it"] = files.get_info().get("num_files", 0) >= 1
                back = os.path.join(tmp, "back-" + name)
                t0 = time.monotonic()
                if args.stream_download and size > (512 << 20):
                    # requests, as the client uses it, but streamed (it drops the key on the
                    # redirect to the store's presigned URL, as the client's download() does).
                    import requests

                    with requests.get(
                        base + "/v1/files/download/" + name,
                        headers={"Authorization": "Bearer " + api_key},
                        stream=True,
                    ) as r, open(back, "wb") as out:
                        for block in r.iter_content(8 << 20):
                            out.write(block)
                        downloaded = r.status_code == 200
                else:
                    downloaded = files.local.download(name, back)
                row["download_s"] = round(time.monotonic() - t0, 2)
                checks["download_same_sha256"] = downloaded and sha256_of(back) == sha
                if os.path.exists(back):
                    os.remove(back)
                objects = bucket_objects(objects_dir)
                checks["one_object_of_its_size"] = sum(1 for _, s in objects if s == size) == 1
                registered = len(files.get_metadata())
                checks["objects_equal_files"] = len(objects) == registered
                request = urllib.request.Request(base + "/v1/files/uploads?status=in_progress",
                                                 headers={"Authorization": "Bearer " + api_key})
                with urllib.request.urlopen(request) as r:
                    checks["no_upload_left_in_progress"] = json.load(r)["uploads"] == []
                row["objects"] = len(objects)
                row["files"] = registered
            else:
                checks["returned"] = False
                # What became of the upload the client gave up on: wait (bounded) until it is no
                # longer completing, then count objects against files.
                headers = {"Authorization": "Bearer " + api_key}
                deadline = time.monotonic() + 600
                while True:
                    request = urllib.request.Request(base + "/v1/files/uploads?limit=1", headers=headers)
                    with urllib.request.urlopen(request) as r:
                        newest = json.load(r)["uploads"]
                    status = newest[0]["status"] if newest else None
                    if status != "completing" or time.monotonic() > deadline:
                        break
                    time.sleep(0.5)
                row["upload_status_after"] = status
                row["registered_after"] = any(m.get("file_id") == name for m in files.get_metadata())
                objects = bucket_objects(objects_dir)
                row["objects"], row["files"] = len(objects), len(files.get_metadata())
                row["objects_equal_files"] = row["objects"] == row["files"]
            row["checks"] = checks
            row["ok"] = all(checks.values())
            if not row["ok"]:
                failures.append(name)
            print(json.dumps(row), flush=True)
            os.remove(path)
        if args.client_tests:
            started = time.monotonic()
            passed, summary = run_client_tests(source_dir, tmp, base, api_key)
            print(json.dumps({"client_tests": summary, "ok": passed,
                              "seconds": round(time.monotonic() - started, 1)}), flush=True)
            if not passed:
                failures.append("client tests")
        print(json.dumps({"ok": not failures, "failed": failures, "load_average": os.getloadavg()}))
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(60)
        except subprocess.TimeoutExpired:
            service.kill()
        log.close()
        if args.keep or failures:
            print(f"kept {tmp} (service.log, embedded data)", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
