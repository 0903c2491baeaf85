"""Items: CRUD, pagination and ownership."""

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.user import Role
from app.services import items as item_service
from tests.clients import ApiClient

MakeClient = Callable[..., ApiClient]


@pytest.fixture
def api(user_client: ApiClient) -> ApiClient:
    """The client the CRUD tests use: a signed-in user."""
    return user_client


def _create(client: ApiClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/items", json={"name": "widget", **fields})
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json["data"]
    return item


def test_create_returns_201_with_location(api: ApiClient) -> None:
    response = api.post("/api/v1/items", json={"name": "widget", "description": "blue"})
    assert response.status_code == 201
    body = response.json
    assert body["success"] is True
    assert body["data"]["name"] == "widget"
    assert body["data"]["description"] == "blue"
    assert response.headers["Location"] == f"/api/v1/items/{body['data']['id']}"


def test_get_returns_the_item(api: ApiClient) -> None:
    item = _create(api)
    response = api.get(f"/api/v1/items/{item['id']}")
    assert response.status_code == 200
    assert response.json["data"] == item


def test_put_replaces_every_field(api: ApiClient) -> None:
    item = _create(api, description="old")
    response = api.put(f"/api/v1/items/{item['id']}", json={"name": "renamed"})
    assert response.status_code == 200
    assert response.json["data"]["name"] == "renamed"
    assert response.json["data"]["description"] is None


def test_patch_changes_only_the_fields_sent(api: ApiClient) -> None:
    item = _create(api, description="kept")
    response = api.patch(f"/api/v1/items/{item['id']}", json={"name": "renamed"})
    assert response.status_code == 200
    assert response.json["data"]["description"] == "kept"


def test_patch_refuses_a_null_name(api: ApiClient) -> None:
    item = _create(api)
    response = api.patch(f"/api/v1/items/{item['id']}", json={"name": None})
    assert response.status_code == 422
    assert "name" in response.json["error"]["details"]


def test_delete_returns_204_then_404(api: ApiClient) -> None:
    item = _create(api)
    assert api.delete(f"/api/v1/items/{item['id']}").status_code == 204
    response = api.get(f"/api/v1/items/{item['id']}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOT_FOUND"


def test_list_paginates_with_total(api: ApiClient) -> None:
    for index in range(3):
        _create(api, name=f"item {index}")
    response = api.get("/api/v1/items", query_string={"page": 2, "page_size": 2})
    assert response.status_code == 200
    page = response.json["data"]
    assert (page["page"], page["page_size"], page["total"]) == (2, 2, 3)
    assert [item["name"] for item in page["items"]] == ["item 2"]


def test_list_beyond_the_last_page_still_counts(api: ApiClient) -> None:
    _create(api)
    page = api.get("/api/v1/items", query_string={"page": 5}).json["data"]
    assert (page["items"], page["total"]) == ([], 1)


def test_page_size_is_capped(api: ApiClient) -> None:
    response = api.get("/api/v1/items", query_string={"page_size": 1000})
    assert response.json["data"]["page_size"] == 100


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x" * 201}, {"name": "ok", "extra": 1}, {"name": 5}],
)
def test_invalid_bodies_name_the_bad_field(api: ApiClient, body: dict[str, Any]) -> None:
    response = api.post("/api/v1/items", json=body)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]) & {"name", "extra"}


@pytest.mark.parametrize("item_id", ["0", "-1", "abc", "2147483648"])
def test_invalid_ids_are_refused(api: ApiClient, item_id: str) -> None:
    response = api.get(f"/api/v1/items/{item_id}")
    assert response.status_code == 422
    assert "item_id" in response.json["error"]["details"]


def test_anonymous_clients_get_401(client: ApiClient) -> None:
    response = client.get("/api/v1/items")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "UNAUTHORIZED"


def test_users_only_reach_their_own_items(make_client: MakeClient) -> None:
    alice = make_client("alice@example.com")
    bob = make_client("bob@example.com")
    item = _create(alice)
    assert bob.get(f"/api/v1/items/{item['id']}").status_code == 404
    assert bob.patch(f"/api/v1/items/{item['id']}", json={"name": "x"}).status_code == 404
    assert bob.delete(f"/api/v1/items/{item['id']}").status_code == 404
    assert bob.get("/api/v1/items").json["data"]["total"] == 0
    assert alice.get("/api/v1/items").json["data"]["total"] == 1


def test_a_deleted_users_live_token_cannot_create_items(
    make_client: MakeClient, admin_client: ApiClient
) -> None:
    doomed = make_client("doomed@example.com")
    me = doomed.get("/api/v1/auth/me").json["data"]
    assert admin_client.delete(f"/api/v1/users/{me['id']}").status_code == 204
    response = doomed.post("/api/v1/items", json={"name": "orphan"})
    assert response.status_code == 401


def test_admins_reach_every_item(make_client: MakeClient) -> None:
    alice = make_client("alice@example.com")
    admin = make_client("root@example.com", Role.ADMIN)
    item = _create(alice)
    assert admin.get(f"/api/v1/items/{item['id']}").status_code == 200
    assert admin.get("/api/v1/items").json["data"]["total"] == 1
    assert admin.delete(f"/api/v1/items/{item['id']}").status_code == 204


def _user_id(client: ApiClient) -> int:
    user_id: int = client.get("/api/v1/auth/me").json["data"]["id"]
    return user_id


def test_a_demoted_admin_loses_reach_over_items_on_the_next_request(
    make_client: MakeClient, admin_client: ApiClient
) -> None:
    alice = make_client("alice@example.com")
    deputy = make_client("deputy@example.com", Role.ADMIN)
    item = _create(alice)
    assert deputy.get(f"/api/v1/items/{item['id']}").status_code == 200
    demoted = admin_client.patch(f"/api/v1/users/{_user_id(deputy)}", json={"role": "user"})
    assert demoted.status_code == 200
    assert deputy.get(f"/api/v1/items/{item['id']}").status_code == 404
    assert deputy.get("/api/v1/items").json["data"]["total"] == 0


def test_a_promoted_user_gains_reach_over_items_on_the_next_request(
    make_client: MakeClient, admin_client: ApiClient
) -> None:
    alice = make_client("alice@example.com")
    bob = make_client("bob@example.com")
    item = _create(alice)
    admin_client.patch(f"/api/v1/users/{_user_id(bob)}", json={"role": "admin"})
    assert bob.get(f"/api/v1/items/{item['id']}").status_code == 200


def test_a_deactivated_user_is_refused_on_the_next_request(
    make_client: MakeClient, admin_client: ApiClient
) -> None:
    alice = make_client("alice@example.com")
    item = _create(alice)
    admin_client.patch(f"/api/v1/users/{_user_id(alice)}", json={"is_active": False})
    assert alice.post("/api/v1/items", json={"name": "late"}).status_code == 401
    assert alice.get(f"/api/v1/items/{item['id']}").status_code == 401


def test_create_item_does_not_disguise_a_database_error_as_401(db_session: Session) -> None:
    # The route's guard has checked the owner; any integrity error left is a fault.
    with pytest.raises(IntegrityError):
        item_service.create_item(name="orphan", description=None, owner_id=2_000_000_000)
    db_session.rollback()


def test_update_item_takes_only_the_fields_a_client_may_change() -> None:
    # Named fields, never a dict applied with setattr: a schema that grows a field
    # (say `owner_id`) cannot silently let clients write it.
    parameters = set(inspect.signature(item_service.update_item).parameters)
    assert parameters == {"item_id", "principal", "name", "description"}


def test_patch_can_clear_the_description(api: ApiClient) -> None:
    item = _create(api, description="old")
    response = api.patch(f"/api/v1/items/{item['id']}", json={"description": None})
    assert response.json["data"]["description"] is None
    assert response.json["data"]["name"] == "widget"
