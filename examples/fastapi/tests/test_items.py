"""Items: CRUD, pagination and ownership."""

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.models.user import Role
from app.services import items as item_service

MakeClient = Callable[..., Awaitable[AsyncClient]]


@pytest.fixture
def api(user_client: AsyncClient) -> AsyncClient:
    """The client the CRUD tests use: a signed-in user."""
    return user_client


async def _create(client: AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/items", json={"name": "widget", **fields})
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()["data"]
    return item


async def test_create_returns_201_with_location(api: AsyncClient) -> None:
    response = await api.post("/api/v1/items", json={"name": "widget", "description": "blue"})
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    assert body["data"]["name"] == "widget"
    assert body["data"]["description"] == "blue"
    assert response.headers["Location"] == f"/api/v1/items/{body['data']['id']}"


async def test_get_returns_the_item(api: AsyncClient) -> None:
    item = await _create(api)
    response = await api.get(f"/api/v1/items/{item['id']}")
    assert response.status_code == 200
    assert response.json()["data"] == item


async def test_put_replaces_every_field(api: AsyncClient) -> None:
    item = await _create(api, description="old")
    response = await api.put(f"/api/v1/items/{item['id']}", json={"name": "renamed"})
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "renamed"
    assert response.json()["data"]["description"] is None


async def test_patch_changes_only_the_fields_sent(api: AsyncClient) -> None:
    item = await _create(api, description="kept")
    response = await api.patch(f"/api/v1/items/{item['id']}", json={"name": "renamed"})
    assert response.status_code == 200
    assert response.json()["data"]["description"] == "kept"


async def test_patch_refuses_a_null_name(api: AsyncClient) -> None:
    item = await _create(api)
    response = await api.patch(f"/api/v1/items/{item['id']}", json={"name": None})
    assert response.status_code == 422
    assert "name" in response.json()["error"]["details"]


async def test_delete_returns_204_then_404(api: AsyncClient) -> None:
    item = await _create(api)
    assert (await api.delete(f"/api/v1/items/{item['id']}")).status_code == 204
    response = await api.get(f"/api/v1/items/{item['id']}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_list_paginates_with_total(api: AsyncClient) -> None:
    for index in range(3):
        await _create(api, name=f"item {index}")
    response = await api.get("/api/v1/items", params={"page": 2, "page_size": 2})
    assert response.status_code == 200
    page = response.json()["data"]
    assert (page["page"], page["page_size"], page["total"]) == (2, 2, 3)
    assert [item["name"] for item in page["items"]] == ["item 2"]


async def test_list_beyond_the_last_page_still_counts(api: AsyncClient) -> None:
    await _create(api)
    page = (await api.get("/api/v1/items", params={"page": 5})).json()["data"]
    assert (page["items"], page["total"]) == ([], 1)


async def test_page_size_is_capped(api: AsyncClient) -> None:
    response = await api.get("/api/v1/items", params={"page_size": 1000})
    assert response.json()["data"]["page_size"] == 100


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x" * 201}, {"name": "ok", "extra": 1}, {"name": 5}],
)
async def test_invalid_bodies_name_the_bad_field(api: AsyncClient, body: dict[str, Any]) -> None:
    response = await api.post("/api/v1/items", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]) & {"name", "extra"}


@pytest.mark.parametrize("item_id", ["0", "-1", "abc", "2147483648"])
async def test_invalid_ids_are_refused(api: AsyncClient, item_id: str) -> None:
    response = await api.get(f"/api/v1/items/{item_id}")
    assert response.status_code == 422
    assert "item_id" in response.json()["error"]["details"]


async def test_anonymous_clients_get_401(client: AsyncClient) -> None:
    response = await client.get("/api/v1/items")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


async def test_users_only_reach_their_own_items(make_client: MakeClient) -> None:
    alice = await make_client("alice@example.com")
    bob = await make_client("bob@example.com")
    item = await _create(alice)
    assert (await bob.get(f"/api/v1/items/{item['id']}")).status_code == 404
    assert (await bob.patch(f"/api/v1/items/{item['id']}", json={"name": "x"})).status_code == 404
    assert (await bob.delete(f"/api/v1/items/{item['id']}")).status_code == 404
    assert (await bob.get("/api/v1/items")).json()["data"]["total"] == 0
    assert (await alice.get("/api/v1/items")).json()["data"]["total"] == 1


async def test_a_deleted_users_live_token_cannot_create_items(
    make_client: MakeClient, admin_client: AsyncClient
) -> None:
    doomed = await make_client("doomed@example.com")
    me = (await doomed.get("/api/v1/auth/me")).json()["data"]
    assert (await admin_client.delete(f"/api/v1/users/{me['id']}")).status_code == 204
    response = await doomed.post("/api/v1/items", json={"name": "orphan"})
    assert response.status_code == 401


async def test_admins_reach_every_item(make_client: MakeClient) -> None:
    alice = await make_client("alice@example.com")
    admin = await make_client("root@example.com", Role.ADMIN)
    item = await _create(alice)
    assert (await admin.get(f"/api/v1/items/{item['id']}")).status_code == 200
    assert (await admin.get("/api/v1/items")).json()["data"]["total"] == 1
    assert (await admin.delete(f"/api/v1/items/{item['id']}")).status_code == 204


async def _user_id(client: AsyncClient) -> int:
    user_id: int = (await client.get("/api/v1/auth/me")).json()["data"]["id"]
    return user_id


async def test_a_demoted_admin_loses_reach_over_items_on_the_next_request(
    make_client: MakeClient, admin_client: AsyncClient
) -> None:
    alice = await make_client("alice@example.com")
    deputy = await make_client("deputy@example.com", Role.ADMIN)
    item = await _create(alice)
    assert (await deputy.get(f"/api/v1/items/{item['id']}")).status_code == 200
    demoted = await admin_client.patch(
        f"/api/v1/users/{await _user_id(deputy)}", json={"role": "user"}
    )
    assert demoted.status_code == 200
    assert (await deputy.get(f"/api/v1/items/{item['id']}")).status_code == 404
    assert (await deputy.get("/api/v1/items")).json()["data"]["total"] == 0


async def test_a_promoted_user_gains_reach_over_items_on_the_next_request(
    make_client: MakeClient, admin_client: AsyncClient
) -> None:
    alice = await make_client("alice@example.com")
    bob = await make_client("bob@example.com")
    item = await _create(alice)
    await admin_client.patch(f"/api/v1/users/{await _user_id(bob)}", json={"role": "admin"})
    assert (await bob.get(f"/api/v1/items/{item['id']}")).status_code == 200


async def test_a_deactivated_user_is_refused_on_the_next_request(
    make_client: MakeClient, admin_client: AsyncClient
) -> None:
    alice = await make_client("alice@example.com")
    item = await _create(alice)
    await admin_client.patch(f"/api/v1/users/{await _user_id(alice)}", json={"is_active": False})
    assert (await alice.post("/api/v1/items", json={"name": "late"})).status_code == 401
    assert (await alice.get(f"/api/v1/items/{item['id']}")).status_code == 401


async def test_create_item_does_not_disguise_a_database_error_as_401(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # The route's dependency has checked the owner; any integrity error left is a fault.
    async with sessionmaker() as session:
        with pytest.raises(IntegrityError):
            await item_service.create_item(
                session, name="orphan", description=None, owner_id=2_000_000_000
            )


def test_update_item_takes_only_the_fields_a_client_may_change() -> None:
    # Named fields, never a dict applied with setattr: a schema that grows a field
    # (say `owner_id`) cannot silently let clients write it.
    parameters = set(inspect.signature(item_service.update_item).parameters)
    assert parameters == {"session", "item_id", "principal", "name", "description"}


async def test_patch_can_clear_the_description(api: AsyncClient) -> None:
    item = await _create(api, description="old")
    response = await api.patch(f"/api/v1/items/{item['id']}", json={"description": None})
    assert response.json()["data"]["description"] is None
    assert response.json()["data"]["name"] == "widget"
