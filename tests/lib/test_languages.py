"""The language of a page (DESIGN.md 12): ?lang=, then Accept-Language, then the business's, then English."""

import pytest
from django.test import RequestFactory

from bookingsite.lib.languages import accepted_language, client_language, requested_language, supported_language

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "language"),
    [("de", "de"), ("de-AT", "de"), ("FR-ca", "fr"), ("es_ES", None), ("en-US", "en"), ("pt", None), ("", None),
     ("de;q=1", None), ("x" * 30, None)],
)
def test_a_code_names_one_of_our_languages_or_none(code, language):
    assert supported_language(code) == language


def test_the_browser_s_first_language_we_have_wins():
    assert accepted_language("pt-BR,pt;q=0.9,fr;q=0.8,de;q=0.7") == "fr"
    assert accepted_language("de;q=0.5,es;q=0.9") == "es"
    assert accepted_language("ja, *;q=0.1") is None
    assert accepted_language("") is None


def _request(query: str = "", accept: str = ""):
    headers = {"Accept-Language": accept} if accept else {}
    return RequestFactory().get("/book/x/" + query, headers=headers)


def test_the_rule_in_its_order(business):
    business.language = "fr"
    assert client_language(_request("?lang=es", "de"), business) == "es"
    assert client_language(_request("?lang=xx", "de"), business) == "de"
    assert client_language(_request("?lang=xx", "ja"), business) == "fr"
    assert client_language(_request(), None) == "en"


def test_lang_names_only_our_codes():
    assert requested_language(_request("?lang=de-AT")) == "de"
    assert requested_language(_request("?lang=<script>")) == ""


@pytest.fixture
def german_business(business, page, service):
    business.language = "de"
    business.save()
    return business


def _lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("query", "accept", "language"),
    [("?lang=fr", "es", "fr"), ("", "es-MX,es;q=0.9", "es"), ("?lang=pt", "", "de"), ("", "ja", "de"), ("?lang=EN", "", "en")],
)
def test_a_public_page_is_in_the_client_s_language(client, german_business, query, accept, language):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/book/alices-aqua/" + query, headers=headers)
    assert response.status_code == 200
    assert _lang(response) == language
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    assert response.wsgi_request.LANGUAGE_CODE == language
    assert not response.cookies


def test_lang_param_is_the_asked_code_for_links_to_carry(client, german_business):
    assert client.get("/book/alices-aqua/?lang=fr-BE").wsgi_request.lang_param == "fr"
    assert client.get("/book/alices-aqua/", headers={"Accept-Language": "fr"}).wsgi_request.lang_param == ""


def test_a_service_page_follows_the_business_s_language(client, german_business, service):
    response = client.get(f"/book/alices-aqua/{service.pk}/", headers={"Accept-Language": "ja"})
    assert _lang(response) == "de"


def test_no_language_outlives_its_request(client, german_business):
    client.get("/book/alices-aqua/?lang=fr")
    response = client.get("/accounts/login/")
    assert _lang(response) == "en"
    assert "Content-Language" not in response
