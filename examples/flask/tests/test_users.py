"""Admin-only user management."""

from collections.abc import Callable

import pytest

from app.models.user import Role
from tests.clients import ApiClient
from tests.conftest import PASSWORD

USERS = "/api/v1/users"


def test_plain_users_are_forbidden(user_client: ApiClient) -> None:
    response = user_client.get(USERS)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "FORBIDDEN"


def test_anonymous_clients_are_unauthorized(client: ApiClient) -> None:
    assert client.get(USERS).status_code == 401


def test_admin_lists_users_without_secrets(admin_client: ApiClient) -> None:
    response = admin_client.get(USERS)
    assert response.status_code == 200
    page = response.json["data"]
    assert page["total"] == 1
    assert "password_hash" not in page["items"][0]


def test_admin_creates_reads_updates_and_deletes_a_user(admin_client: ApiClient) -> None:
    created = admin_client.post(
        USERS, json={"email": "Staff@Example.com", "password": PASSWORD, "role": "admin"}
    )
    assert created.status_code == 201
    user = created.json["data"]
    assert (user["email"], user["role"]) == ("staff@example.com", "admin")
    assert created.headers["Location"] == f"{USERS}/{user['id']}"
    assert admin_client.get(f"{USERS}/{user['id']}").status_code == 200

    updated = admin_client.patch(f"{USERS}/{user['id']}", json={"is_active": False})
    assert updated.status_code == 200
    assert updated.json["data"]["is_active"] is False

    assert admin_client.delete(f"{USERS}/{user['id']}").status_code == 204
    assert admin_client.get(f"{USERS}/{user['id']}").status_code == 404


def test_a_deactivated_user_cannot_sign_in(admin_client: ApiClient, client: ApiClient) -> None:
    body = {"email": "gone@example.com", "password": PASSWORD}
    created = admin_client.post(USERS, json=body)
    admin_client.patch(f"{USERS}/{created.json['data']['id']}", json={"is_active": False})
    response = client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 401


def test_a_duplicate_email_is_a_conflict(admin_client: ApiClient) -> None:
    body = {"email": "ADMIN@example.com", "password": PASSWORD}
    response = admin_client.post(USERS, json=body)
    assert response.status_code == 409


def test_a_demoted_admin_loses_admin_access_at_once(
    admin_client: ApiClient, make_client: Callable[..., ApiClient]
) -> None:
    other_admin = make_client("other-admin@example.com", Role.ADMIN)
    me = other_admin.get("/api/v1/auth/me").json["data"]
    admin_client.patch(f"{USERS}/{me['id']}", json={"role": "user"})
    assert other_admin.get(USERS).status_code == 403


def _own_id(client: ApiClient) -> int:
    user_id: int = client.get("/api/v1/auth/me").json["data"]["id"]
    return user_id


@pytest.mark.parametrize(
    "change",
    [{"role": "user"}, {"is_active": False}, None],
    ids=["demote", "deactivate", "delete"],
)
def test_the_last_active_admin_cannot_be_removed(
    admin_client: ApiClient, change: dict[str, object] | None
) -> None:
    url = f"{USERS}/{_own_id(admin_client)}"
    response = admin_client.delete(url) if change is None else admin_client.patch(url, json=change)
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "CONFLICT"
    assert "last active admin" in error["message"]
    me = admin_client.get(url).json["data"]
    assert (me["role"], me["is_active"]) == ("admin", True)


def test_an_inactive_admin_does_not_count_as_another_admin(
    admin_client: ApiClient, make_client: Callable[..., ApiClient]
) -> None:
    dormant = make_client("dormant@example.com", Role.ADMIN)
    dormant_id = _own_id(dormant)
    deactivated = admin_client.patch(f"{USERS}/{dormant_id}", json={"is_active": False})
    assert deactivated.status_code == 200
    own_url = f"{USERS}/{_own_id(admin_client)}"
    response = admin_client.patch(own_url, json={"role": "user"})
    assert response.status_code == 409


def test_an_admin_may_step_down_while_another_remains(
    admin_client: ApiClient, make_client: Callable[..., ApiClient]
) -> None:
    deputy = make_client("deputy@example.com", Role.ADMIN)
    own_url = f"{USERS}/{_own_id(admin_client)}"
    response = admin_client.patch(own_url, json={"role": "user"})
    assert response.status_code == 200
    assert admin_client.get(USERS).status_code == 403
    # Now the deputy is the last one.
    own = deputy.patch(f"{USERS}/{_own_id(deputy)}", json={"is_active": False})
    assert own.status_code == 409


def test_admins_can_still_demote_deactivate_and_delete_other_admins(
    admin_client: ApiClient, make_client: Callable[..., ApiClient]
) -> None:
    for email in ("one@example.com", "two@example.com"):
        other_id = _own_id(make_client(email, Role.ADMIN))
        url = f"{USERS}/{other_id}"
        assert admin_client.patch(url, json={"role": "user"}).status_code == 200
        assert admin_client.patch(url, json={"role": "admin"}).status_code == 200
        assert admin_client.patch(url, json={"is_active": False}).status_code == 200
        assert admin_client.delete(url).status_code == 204
