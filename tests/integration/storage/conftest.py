"""Every storage test runs against both stores: the content-addressed directory (the embedded
default) and a real S3 server over HTTP, driven by the production minio adapter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jitspace.settings import Settings
from tests.integration.storage.stores import Store
from tests.storage import s3_client
from tests.support import Jit, People, ServerThread, open_investigation


@pytest.fixture(params=["directory", "s3"])
def store(
    request: pytest.FixtureRequest, server: ServerThread, settings: Settings, moto_endpoint: str
) -> Store:
    if request.param == "directory":
        return Store("directory", server.url, settings=settings)
    s3_server: ServerThread = request.getfixturevalue("s3_server")
    return Store("s3", s3_server.url, client=s3_client(moto_endpoint))


@pytest.fixture
def team(store: Store, database_url: str, server: ServerThread) -> Iterator[Jit]:
    people = People(store.url, database_url)
    yield open_investigation(people)
    for person in people.made:
        person.client.close()
