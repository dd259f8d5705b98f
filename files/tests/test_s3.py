"""S3 storage through django-storages and boto3, against moto's S3 server over real HTTP."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from files.models import File
from files.services import FileError, file_upload
from files.tests.conftest import EXE_BYTES, image_bytes
from tests.servers import free_port

BUCKET = "librechat-test-files"
KEYS = {"aws_access_key_id": "test-access-key", "aws_secret_access_key": "test-secret-key"}


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(settings, s3_server):
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=BUCKET)
    # The same options librechat/settings.py builds from FILE_STRATEGY=s3 and the AWS_* variables.
    settings.STORAGES = {
        **settings.STORAGES,
        "files": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "region_name": "us-east-1",
                "endpoint_url": s3_server,
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "location": "files",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_upload_lands_in_the_bucket_and_downloads_for_its_owner(s3, user, other_user, client):
    png = image_bytes(20, 20)
    file = file_upload(user=user, upload=SimpleUploadedFile("dot.png", png))
    assert keys(s3) == [f"files/{file.storage_path}"]
    assert s3.get_object(Bucket=BUCKET, Key=f"files/{file.storage_path}")["Body"].read() == png

    client.force_login(user)
    response = client.get(reverse("files:content", args=[file.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png
    client.force_login(other_user)
    assert client.get(reverse("files:content", args=[file.pk])).status_code == 404


def test_a_refused_upload_puts_nothing_in_the_bucket(s3, user):
    with pytest.raises(FileError):
        file_upload(user=user, upload=SimpleUploadedFile("cat.png", EXE_BYTES))
    assert keys(s3) == []
    assert File.objects.count() == 0


def test_file_strategy_s3_configures_the_storage_from_the_environment():
    import json
    import subprocess

    from tests.servers import PYTHON, ROOT, base_env

    script = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['files']))"
    env = base_env(FILE_STRATEGY="s3", AWS_BUCKET_NAME="my-bucket", AWS_REGION="eu-west-1",
                   AWS_ENDPOINT_URL="http://127.0.0.1:9000", AWS_ACCESS_KEY_ID="id", AWS_SECRET_ACCESS_KEY="secret")
    output = subprocess.run([PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=True).stdout
    storage = json.loads(output.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "my-bucket"
    assert storage["OPTIONS"]["region_name"] == "eu-west-1"
    assert storage["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
