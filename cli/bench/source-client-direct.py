#!/usr/bin/python3
"""One direct upload by the source API's Python client, for cli/bench/compare.sh.

Runs the client's own ``direct_upload`` (``src/archetypeai/_direct_upload.py`` of a checkout of
https://github.com/archetypeai/python-client at SOURCE_CLIENT_DIR: initiate, part PUTs 8 at a
time, complete) unchanged. Its other modules import the whole platform (lens, kafka, SSE), so
the ``api`` it is given is a stand-in for its ``ApiBase`` with what direct_upload uses: the key as
a Bearer token, the endpoint, ``num_retries`` 3 and ``request_timeout_sec`` 60 (the client's
defaults), POSTs through its rule (200/201 return the body; 400–416 raise; anything else is sent
again, three attempts).

    SOURCE_CLIENT_DIR=… python3 cli/bench/source-client-direct.py API_KEY API_URL PATH
"""

import importlib.util
import json
import os
import sys

import requests  # Debian: python3-requests


def load_direct_upload():
    path = os.path.join(os.environ["SOURCE_CLIENT_DIR"], "src", "archetypeai", "_direct_upload.py")
    spec = importlib.util.spec_from_file_location("source_client_direct_upload", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.direct_upload


class Api:
    """What direct_upload uses of the client's ApiBase."""

    def __init__(self, key, endpoint):
        self.api_key = key
        self.api_endpoint = endpoint
        self.num_retries = 3
        self.request_timeout_sec = 60

    def _get_endpoint(self, base, *parts):
        return "/".join([base.rstrip("/")] + [part.strip("/") for part in parts])

    def requests_post(self, endpoint, data_payload, additional_headers):
        headers = {"Authorization": f"Bearer {self.api_key}", **additional_headers}
        for _ in range(self.num_retries):
            response = requests.post(endpoint, data=data_payload, headers=headers)
            if response.status_code in (200, 201):
                return response.json()
            if 400 <= response.status_code <= 416:
                raise ValueError(f"ApiError {response.status_code}: {response.text}")
        raise ValueError(f"no answer after {self.num_retries} attempts: {response.status_code}")


if __name__ == "__main__":
    key, url, path = sys.argv[1:4]
    print(json.dumps(load_direct_upload()(Api(key, url), path, "application/octet-stream")))
