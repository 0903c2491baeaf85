"""Items: create, read, replace, update, delete, and who may see what."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries

ITEMS = "/api/v1/items"


def create(client: Client, **fields: Any) -> dict[str, Any]:
    response = client.post(ITEMS, {"name": "widget", **fields}, content_type="application/json")
    assert response.status_code == 201, response.content
    data: dict[str, Any] = response.json()["data"]
    assert response["Location"] == f"{ITEMS}/{data['id']}"
    return data


def test_create_then_get_an_item(user_client: Client) -> None:
    item = create(user_client, description="a thing")
    response = user_client.get(f"{ITEMS}/{item['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["name"] == "widget"
    assert body["data"]["description"] == "a thing"
    assert body["data"]["created_at"].endswith("Z")


def test_list_pages_items_and_caps_the_page_size(user_client: Client) -> None:
    for number in range(3):
        create(user_client, name=f"item {number}")
    response = user_client.get(ITEMS, {"page": 2, "page_size": 2})
    data = response.json()["data"]
    assert [item["name"] for item in data["items"]] == ["item 2"]
    assert (data["page"], data["page_size"], data["total"]) == (2, 2, 3)
    assert user_client.get(ITEMS, {"page_size": 1000}).json()["data"]["page_size"] == 100


def test_listing_takes_the_same_queries_whatever_the_page_size(
    user_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(5):
        create(user_client, name=f"item {number}")
    # The caller's account, the page, the count: no query per item.
    with django_assert_max_num_queries(3):
        response = user_client.get(ITEMS)
    assert len(response.json()["data"]["items"]) == 5


def test_put_replaces_and_patch_changes_only_what_is_sent(user_client: Client) -> None:
    item = create(user_client, description="first")
    url = f"{ITEMS}/{item['id']}"
    replaced = user_client.put(url, {"name": "replaced"}, content_type="application/json")
    assert replaced.json()["data"]["description"] is None
    patched = user_client.patch(url, {"description": "second"}, content_type="application/json")
    assert patched.json()["data"]["name"] == "replaced"
    assert patched.json()["data"]["description"] == "second"
    refused = user_client.patch(url, {"name": None}, content_type="application/json")
    assert refused.status_code == 422


def test_delete_removes_the_item(user_client: Client) -> None:
    item = create(user_client)
    assert user_client.delete(f"{ITEMS}/{item['id']}").status_code == 204
    missing = user_client.get(f"{ITEMS}/{item['id']}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": ""}, {"name"}),
        ({"name": "x" * 201}, {"name"}),
        ({"name": "a", "description": "d" * 2001}, {"description"}),
        ({"name": "nul\x00inside"}, {"name"}),
        ({"name": "a", "owner_id": 1}, {"owner_id"}),
    ],
)
def test_invalid_items_are_refused_naming_the_field(
    user_client: Client, body: dict[str, Any], fields: set[str]
) -> None:
    response = user_client.post(ITEMS, body, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]) == fields


@pytest.mark.parametrize("item_id", ["0", "-1", "abc", "2147483648"])
def test_an_impossible_id_is_a_validation_error(user_client: Client, item_id: str) -> None:
    response = user_client.get(f"{ITEMS}/{item_id}")
    assert response.status_code == 422
    assert set(response.json()["error"]["details"]) == {"item_id"}


def test_items_need_authentication(client: Client) -> None:
    response = client.get(ITEMS)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


def test_users_reach_only_their_own_items_and_admins_reach_all(
    make_client: Callable[..., Client], admin_client: Client
) -> None:
    owner = make_client("owner@example.com")
    other = make_client("other@example.com")
    item = create(owner)
    url = f"{ITEMS}/{item['id']}"
    assert other.get(url).status_code == 404
    assert other.delete(url).status_code == 404
    assert other.get(ITEMS).json()["data"]["total"] == 0
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(ITEMS).json()["data"]["total"] == 1
