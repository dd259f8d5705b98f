"""The OpenAPI document validates, documents the /v1 API, and its docs page needs no CDN."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse


def test_schema_validates_without_warnings(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    assert set(schema["paths"]) >= {"/v1/models", "/v1/models/{model_id}", "/v1/chat/completions"}
    post = schema["paths"]["/v1/chat/completions"]["post"]
    assert set(post["responses"]["200"]["content"]) == {"application/json", "text/event-stream"}
    assert {"400", "401", "404"} <= set(post["responses"])
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_schema_and_docs_are_served_offline(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/v1/chat/completions" in response.content.decode()
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
