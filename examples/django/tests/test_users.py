"""Admin-only user management: roles, deactivation and the last admin."""

from collections.abc import Callable

from django.test import Client

from app.models.user import Role, User
from tests.conftest import sign_in

USERS = "/api/v1/users"


def test_plain_users_may_not_manage_users(user_client: Client) -> None:
    response = user_client.get(USERS)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_admins_create_list_get_and_delete_users(admin_client: Client) -> None:
    created = admin_client.post(
        USERS,
        {"email": "made@example.com", "password": "long enough password", "role": "admin"},
        content_type="application/json",
    )
    assert created.status_code == 201
    user = created.json()["data"]
    assert user["role"] == "admin"
    assert admin_client.get(USERS).json()["data"]["total"] == 2
    assert admin_client.get(f"{USERS}/{user['id']}").json()["data"]["email"] == "made@example.com"
    assert admin_client.delete(f"{USERS}/{user['id']}").status_code == 204
    assert admin_client.get(f"{USERS}/{user['id']}").status_code == 404


def test_a_demotion_counts_from_the_next_request(
    admin_client: Client, make_client: Callable[..., Client]
) -> None:
    other_admin = make_client("second@example.com", Role.ADMIN)
    second = User.objects.get(email="second@example.com")
    assert other_admin.get(USERS).status_code == 200
    demoted = admin_client.patch(
        f"{USERS}/{second.pk}", {"role": "user"}, content_type="application/json"
    )
    assert demoted.json()["data"]["role"] == "user"
    assert other_admin.get(USERS).status_code == 403


def test_deactivation_signs_the_user_out_everywhere(
    admin_client: Client, make_client: Callable[..., Client]
) -> None:
    user_client = make_client("leaving@example.com")
    leaving = User.objects.get(email="leaving@example.com")
    response = admin_client.patch(
        f"{USERS}/{leaving.pk}", {"is_active": False}, content_type="application/json"
    )
    assert response.json()["data"]["is_active"] is False
    assert user_client.get("/api/v1/auth/me").status_code == 401
    admin_client.patch(
        f"{USERS}/{leaving.pk}", {"is_active": True}, content_type="application/json"
    )
    assert leaving.refresh_tokens.filter(revoked_at__isnull=True).count() == 0
    assert user_client.get("/api/v1/auth/me").status_code == 200  # the access token lives on
    sign_in(Client(), "leaving@example.com")  # and signing in again works


def test_the_last_active_admin_stays(admin_client: Client) -> None:
    admin = User.objects.get(email="admin@example.com")
    url = f"{USERS}/{admin.pk}"
    demote = admin_client.patch(url, {"role": "user"}, content_type="application/json")
    assert demote.status_code == 409
    assert demote.json()["error"]["code"] == "CONFLICT"
    assert admin_client.delete(url).status_code == 409


def test_is_active_must_be_a_boolean(admin_client: Client, make_user: Callable[..., User]) -> None:
    user = make_user("flag@example.com")
    response = admin_client.patch(
        f"{USERS}/{user.pk}", {"is_active": "yes"}, content_type="application/json"
    )
    assert set(response.json()["error"]["details"]) == {"is_active"}
