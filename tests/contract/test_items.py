"""The example resource: CRUD, validation, pagination and ownership."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest

from .api import (
    ApiClient,
    assert_recent,
    describe,
    expect_error,
    expect_success,
    validation_fields,
)

ITEM_FIELDS = {"id", "name", "description", "created_at", "updated_at"}
INT32_MAX = 2_147_483_647


def item_fields(service: Any) -> set[str]:
    """The exact fields of an item for this service's auth mode."""
    return ITEM_FIELDS | ({"owner_id"} if service.auth != "none" else set())


def test_create_returns_201_the_item_and_its_location(service: Any, actor: ApiClient) -> None:
    """POST /items: 201, the stored item, and Location pointing at it."""
    response = actor.post("/api/v1/items", json={"name": "first", "description": "one"})
    item = expect_success(response, 201)
    assert set(item) == item_fields(service)
    assert isinstance(item["id"], int)
    assert (item["name"], item["description"]) == ("first", "one")
    assert_recent(item["created_at"])
    assert_recent(item["updated_at"])
    assert urlparse(response.headers.get("Location", "")).path == f"/api/v1/items/{item['id']}"
    if service.auth != "none":
        assert actor.user is not None
        assert item["owner_id"] == actor.user["id"]


def test_description_is_optional_and_nullable(actor: ApiClient) -> None:
    """An item without description, or with null, is stored with description null."""
    assert actor.create_item("bare")["description"] is None
    assert actor.create_item("nulled", description=None)["description"] is None


def test_read_returns_the_created_item(actor: ApiClient) -> None:
    """GET /items/{id} gives back what POST stored."""
    item = actor.create_item("readable", description="text")
    assert expect_success(actor.get(f"/api/v1/items/{item['id']}")) == item


def test_put_replaces_the_item(actor: ApiClient) -> None:
    """PUT sets every field: a missing description becomes null."""
    item = actor.create_item("old", description="old text")
    url = f"/api/v1/items/{item['id']}"
    updated = expect_success(actor.put(url, json={"name": "new"}))
    assert (updated["id"], updated["name"], updated["description"]) == (item["id"], "new", None)
    assert updated["created_at"] == item["created_at"]
    assert expect_success(actor.get(url)) == updated


def test_put_requires_the_name(actor: ApiClient) -> None:
    """PUT is a full update: without name it is a validation error on `name`."""
    item = actor.create_item("needs-name")
    response = actor.put(f"/api/v1/items/{item['id']}", json={"description": "only"})
    assert "name" in validation_fields(response)


def test_patch_changes_only_the_given_fields(actor: ApiClient) -> None:
    """PATCH with a description keeps the name; PATCH with a name keeps the description."""
    item = actor.create_item("keep", description="before")
    url = f"/api/v1/items/{item['id']}"
    patched = expect_success(actor.patch(url, json={"description": "after"}))
    assert (patched["name"], patched["description"]) == ("keep", "after")
    patched = expect_success(actor.patch(url, json={"name": "renamed"}))
    assert (patched["name"], patched["description"]) == ("renamed", "after")
    assert expect_success(actor.get(url)) == patched


def test_patch_can_clear_the_description(actor: ApiClient) -> None:
    """PATCH {"description": null} clears it."""
    item = actor.create_item("clear", description="text")
    patched = expect_success(actor.patch(f"/api/v1/items/{item['id']}", json={"description": None}))
    assert patched["description"] is None


def test_patch_rejects_a_null_or_empty_name(actor: ApiClient) -> None:
    """The name can never become null or empty."""
    item = actor.create_item("named")
    url = f"/api/v1/items/{item['id']}"
    assert "name" in validation_fields(actor.patch(url, json={"name": None}))
    assert "name" in validation_fields(actor.patch(url, json={"name": ""}))


def test_delete_returns_204_and_then_the_item_is_gone(actor: ApiClient) -> None:
    """DELETE: 204 with no body; afterwards GET and DELETE are 404."""
    item = actor.create_item("doomed")
    url = f"/api/v1/items/{item['id']}"
    response = actor.delete(url)
    assert response.status_code == 204, describe(response)
    assert response.content == b""
    expect_error(actor.get(url), "NOT_FOUND")
    expect_error(actor.delete(url), "NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"name": 5}, "name"),
        ({"name": "ok", "description": "d" * 2001}, "description"),
        ({"name": "ok", "description": 7}, "description"),
    ],
    ids=[
        "missing-name",
        "empty-name",
        "long-name",
        "number-name",
        "long-description",
        "number-description",
    ],
)
def test_invalid_item_is_a_validation_error_naming_the_field(
    actor: ApiClient, body: dict[str, Any], field: str
) -> None:
    """Each broken rule gives 422 with the field named in details."""
    assert field in validation_fields(actor.post("/api/v1/items", json=body))


def test_limits_are_inclusive(actor: ApiClient) -> None:
    """A 200-character name and a 2000-character description are accepted."""
    item = actor.create_item("n" * 200, description="d" * 2000)
    assert (len(item["name"]), len(item["description"])) == (200, 2000)


@pytest.mark.parametrize("item_id", ["abc", "0", "-1", "1.5", str(INT32_MAX + 1)])
def test_malformed_or_out_of_range_id_is_a_validation_error(actor: ApiClient, item_id: str) -> None:
    """Ids are positive 32-bit integers: anything else is 422, on every verb."""
    url = f"/api/v1/items/{item_id}"
    for response in (actor.get(url), actor.patch(url, json={"name": "x"}), actor.delete(url)):
        expect_error(response, "VALIDATION_ERROR")


def test_absent_id_is_not_found(actor: ApiClient) -> None:
    """The largest valid id that does not exist gives 404 on every verb."""
    url = f"/api/v1/items/{INT32_MAX}"
    expect_error(actor.get(url), "NOT_FOUND")
    expect_error(actor.put(url, json={"name": "x"}), "NOT_FOUND")
    expect_error(actor.patch(url, json={"name": "x"}), "NOT_FOUND")
    expect_error(actor.delete(url), "NOT_FOUND")


def test_list_is_paginated(service: Any, fresh_actor: ApiClient) -> None:
    """page and page_size slice the list; total counts every item the client sees."""
    actor = fresh_actor
    created = [actor.create_item(f"page-{n}")["id"] for n in range(3)]
    first = expect_success(actor.get("/api/v1/items", params={"page": 1, "page_size": 2}))
    assert set(first) == {"items", "page", "page_size", "total"}
    assert (first["page"], first["page_size"], len(first["items"])) == (1, 2, 2)
    assert first["total"] >= 3
    if service.auth != "none":  # a fresh user sees exactly their own items
        assert first["total"] == 3
        second = expect_success(actor.get("/api/v1/items", params={"page": 2, "page_size": 2}))
        assert (second["page"], len(second["items"])) == (2, 1)
        seen = {item["id"] for item in first["items"] + second["items"]}
        assert seen == set(created)


def test_list_defaults_to_page_1_of_20(actor: ApiClient) -> None:
    """Without parameters the list is page 1 with page_size 20."""
    actor.create_item("default-page")
    data = expect_success(actor.get("/api/v1/items"))
    assert (data["page"], data["page_size"]) == (1, 20)
    assert len(data["items"]) <= 20


def test_page_size_is_capped_at_100(actor: ApiClient) -> None:
    """A page_size over 100 is answered as 100."""
    data = expect_success(actor.get("/api/v1/items", params={"page_size": 1000}))
    assert data["page_size"] == 100


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page": "x"}, "page"),
    ],
    ids=["page-0", "page-negative", "page-size-0", "page-not-a-number"],
)
def test_bad_pagination_is_a_validation_error(
    actor: ApiClient, params: dict[str, Any], field: str
) -> None:
    """page < 1, page_size < 1 or a non-number: 422 naming the parameter."""
    assert field in validation_fields(actor.get("/api/v1/items", params=params))


# --- With auth: who sees what --------------------------------------------------


@pytest.mark.auth_modes("jwt", "session")
def test_anonymous_cannot_reach_items(anonymous: ApiClient, user: ApiClient) -> None:
    """Without credentials every items route is 401."""
    item = user.create_item("private")
    url = f"/api/v1/items/{item['id']}"
    expect_error(anonymous.get("/api/v1/items"), "UNAUTHORIZED")
    expect_error(anonymous.post("/api/v1/items", json={"name": "x"}), "UNAUTHORIZED")
    expect_error(anonymous.get(url), "UNAUTHORIZED")
    expect_error(anonymous.put(url, json={"name": "x"}), "UNAUTHORIZED")
    expect_error(anonymous.patch(url, json={"name": "x"}), "UNAUTHORIZED")
    expect_error(anonymous.delete(url), "UNAUTHORIZED")


@pytest.mark.auth_modes("jwt", "session")
def test_a_user_cannot_reach_another_users_item(new_user: Callable[[], ApiClient]) -> None:
    """Another user's item is 404 on every verb and stays unchanged."""
    owner, stranger = new_user(), new_user()
    item = owner.create_item("mine", description="secret")
    url = f"/api/v1/items/{item['id']}"
    expect_error(stranger.get(url), "NOT_FOUND")
    expect_error(stranger.put(url, json={"name": "stolen"}), "NOT_FOUND")
    expect_error(stranger.patch(url, json={"name": "stolen"}), "NOT_FOUND")
    expect_error(stranger.delete(url), "NOT_FOUND")
    assert expect_success(owner.get(url)) == item


@pytest.mark.auth_modes("jwt", "session")
def test_list_shows_a_user_only_their_own_items(new_user: Callable[[], ApiClient]) -> None:
    """A user's list has their items and none of another user's."""
    alice, bob = new_user(), new_user()
    alices = {alice.create_item("a")["id"]}
    bobs = {bob.create_item("b")["id"], bob.create_item("b2")["id"]}
    listed = expect_success(bob.get("/api/v1/items", params={"page_size": 100}))
    assert {item["id"] for item in listed["items"]} == bobs
    assert listed["total"] == 2
    assert not alices & {item["id"] for item in listed["items"]}


@pytest.mark.auth_modes("jwt", "session")
def test_admin_sees_and_edits_every_item(user: ApiClient, admin: ApiClient) -> None:
    """The admin lists, reads, updates and deletes a user's item; owner_id is kept."""
    item = user.create_item("watched")
    url = f"/api/v1/items/{item['id']}"
    listed = expect_success(admin.get("/api/v1/items", params={"page_size": 100}))
    assert listed["total"] >= 1
    assert expect_success(admin.get(url))["owner_id"] == item["owner_id"]
    patched = expect_success(admin.patch(url, json={"name": "moderated"}))
    assert (patched["name"], patched["owner_id"]) == ("moderated", item["owner_id"])
    assert expect_success(user.get(url))["name"] == "moderated"
    response = admin.delete(url)
    assert response.status_code == 204, describe(response)
    expect_error(user.get(url), "NOT_FOUND")


@pytest.mark.auth_modes("jwt", "session")
def test_admin_list_includes_other_users_items(
    new_user: Callable[[], ApiClient], admin: ApiClient
) -> None:
    """An item a user just made appears in the admin's list (newest items are findable)."""
    item = new_user().create_item("for-admin")
    total = expect_success(admin.get("/api/v1/items", params={"page_size": 1}))["total"]
    pages = (total + 99) // 100
    ids = set()
    for page in range(1, pages + 1):
        data = expect_success(admin.get("/api/v1/items", params={"page": page, "page_size": 100}))
        ids |= {row["id"] for row in data["items"]}
    assert item["id"] in ids


@pytest.mark.auth_modes("jwt", "session")
def test_owner_id_cannot_be_set_by_the_client(user: ApiClient) -> None:
    """owner_id is not an input field: sending it is a validation error."""
    response = user.post("/api/v1/items", json={"name": "x", "owner_id": 1})
    assert "owner_id" in validation_fields(response)


# --- Without auth: a public API -------------------------------------------------


@pytest.mark.auth_modes("none")
def test_items_are_public_without_auth(new_client: Callable[[], ApiClient]) -> None:
    """With auth none, one client's item is readable and editable by another."""
    first, second = new_client(), new_client()
    item = first.create_item("shared")
    url = f"/api/v1/items/{item['id']}"
    assert expect_success(second.get(url)) == item
    assert expect_success(second.patch(url, json={"name": "edited"}))["name"] == "edited"


@pytest.mark.auth_modes("none")
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/auth/register"),
        ("POST", "/api/v1/auth/login"),
        ("GET", "/api/v1/auth/me"),
        ("GET", "/api/v1/users"),
    ],
)
def test_auth_and_user_routes_do_not_exist_without_auth(
    anonymous: ApiClient, method: str, path: str
) -> None:
    """With auth none, /api/v1/auth/* and /api/v1/users are 404."""
    body = {"email": "a@example.com", "password": "x" * 12} if method == "POST" else None
    expect_error(anonymous.request(method, path, json=body), "NOT_FOUND")
