"""Admin-only user management under /api/v1/users, and what roles may do."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .api import (
    PASSWORD,
    USER_FIELDS,
    ApiClient,
    describe,
    error_message,
    expect_error,
    expect_success,
    new_email,
    validation_fields,
)

pytestmark = pytest.mark.auth_modes("jwt", "session")


def create_user(admin: ApiClient, role: str = "user", email: str | None = None) -> dict:
    body = {"email": email or new_email(role), "password": PASSWORD, "role": role}
    return expect_success(admin.post("/api/v1/users", json=body), 201)


def test_plain_user_is_forbidden_from_user_management(user: ApiClient) -> None:
    """Every /users route is 403 FORBIDDEN for role `user`."""
    assert user.user is not None
    own = f"/api/v1/users/{user.user['id']}"
    expect_error(user.get("/api/v1/users"), "FORBIDDEN")
    expect_error(
        user.post(
            "/api/v1/users", json={"email": new_email(), "password": PASSWORD, "role": "admin"}
        ),
        "FORBIDDEN",
    )
    expect_error(user.get(own), "FORBIDDEN")
    expect_error(user.patch(own, json={"role": "admin"}), "FORBIDDEN")
    expect_error(user.delete(own), "FORBIDDEN")
    assert expect_success(user.get("/api/v1/auth/me"))["role"] == "user"


def test_anonymous_is_unauthorized_on_user_management(anonymous: ApiClient) -> None:
    """Without credentials /users is 401, not 403."""
    expect_error(anonymous.get("/api/v1/users"), "UNAUTHORIZED")
    expect_error(anonymous.get("/api/v1/users/1"), "UNAUTHORIZED")


def test_admin_account_from_make_admin_has_role_admin(admin: ApiClient) -> None:
    """`make admin` made an active admin."""
    assert admin.user is not None
    assert (admin.user["role"], admin.user["is_active"]) == ("admin", True)


def test_admin_lists_users_paginated(admin: ApiClient) -> None:
    """GET /users is paginated like items and shows public fields only."""
    create_user(admin)
    data = expect_success(admin.get("/api/v1/users", params={"page": 1, "page_size": 1}))
    assert set(data) == {"items", "page", "page_size", "total"}
    assert (data["page"], data["page_size"], len(data["items"])) == (1, 1, 1)
    assert data["total"] >= 2
    assert set(data["items"][0]) == USER_FIELDS
    capped = expect_success(admin.get("/api/v1/users", params={"page_size": 500}))
    assert capped["page_size"] == 100


def test_admin_creates_reads_updates_and_deletes_a_user(
    admin: ApiClient, new_client: Callable[[], ApiClient]
) -> None:
    """POST 201 with Location, GET, PATCH role, DELETE 204, then 404."""
    email = new_email()
    response = admin.post(
        "/api/v1/users", json={"email": email, "password": PASSWORD, "role": "user"}
    )
    created = expect_success(response, 201)
    assert set(created) == USER_FIELDS
    assert (created["email"], created["role"], created["is_active"]) == (email, "user", True)
    assert response.headers.get("Location", "").endswith(f"/api/v1/users/{created['id']}")
    url = f"/api/v1/users/{created['id']}"
    assert expect_success(admin.get(url)) == created
    promoted = expect_success(admin.patch(url, json={"role": "admin"}))
    assert promoted["role"] == "admin"
    newcomer = new_client()
    expect_success(newcomer.login(email))
    expect_success(newcomer.get("/api/v1/users"))
    deleted = admin.delete(url)
    assert deleted.status_code == 204, describe(deleted)
    expect_error(admin.get(url), "NOT_FOUND")


def test_admin_created_users_can_log_in_with_their_password(
    admin: ApiClient, new_client: Callable[[], ApiClient]
) -> None:
    """A user made by the admin logs in and is a plain user."""
    created = create_user(admin)
    client = new_client()
    expect_success(client.login(created["email"]))
    assert expect_success(client.get("/api/v1/auth/me"))["role"] == "user"


def test_deactivated_user_cannot_log_in(
    admin: ApiClient, new_client: Callable[[], ApiClient]
) -> None:
    """PATCH is_active false: the next login is 401, like a wrong password."""
    created = create_user(admin)
    patched = expect_success(
        admin.patch(f"/api/v1/users/{created['id']}", json={"is_active": False})
    )
    assert patched["is_active"] is False
    expect_error(new_client().login(created["email"]), "UNAUTHORIZED")


def test_auth_me_refuses_an_account_deactivated_after_login(
    admin: ApiClient, new_user: Callable[[], ApiClient]
) -> None:
    """/auth/me reads the account: once deactivated, it answers 401 even to a live login."""
    victim = new_user()
    assert victim.user is not None
    expect_success(admin.patch(f"/api/v1/users/{victim.user['id']}", json={"is_active": False}))
    expect_error(victim.get("/api/v1/auth/me"), "UNAUTHORIZED")


def test_admin_cannot_create_a_duplicate_email(admin: ApiClient) -> None:
    """An email that exists, in any case, is CONFLICT."""
    created = create_user(admin)
    body = {"email": created["email"].upper(), "password": PASSWORD, "role": "user"}
    expect_error(admin.post("/api/v1/users", json=body), "CONFLICT")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "superuser"}, "role"),
        ({"is_active": "maybe"}, "is_active"),
        ({"password": "x" * 12}, "password"),
    ],
    ids=["unknown-role", "non-boolean", "password-not-patchable"],
)
def test_bad_user_patch_is_a_validation_error(admin: ApiClient, body: dict, field: str) -> None:
    """Only role and is_active can be patched, with valid values."""
    created = create_user(admin)
    response = admin.patch(f"/api/v1/users/{created['id']}", json=body)
    assert field in validation_fields(response)


def test_unknown_user_is_not_found(admin: ApiClient) -> None:
    """An absent user id is 404; a malformed one 422."""
    expect_error(admin.get("/api/v1/users/2147483647"), "NOT_FOUND")
    expect_error(admin.get("/api/v1/users/abc"), "VALIDATION_ERROR")


def user_id(client: ApiClient) -> int:
    """The id of the user a client is signed in as."""
    return int(expect_success(client.get("/api/v1/auth/me"))["id"])


def test_a_demoted_admin_loses_admin_reach_on_the_next_request(
    admin: ApiClient, new_client: Callable[[], ApiClient], user: ApiClient
) -> None:
    """A role change counts from the next request, whatever the credentials say."""
    deputy = new_client()
    created = create_user(admin, role="admin")
    expect_success(deputy.login(created["email"]))
    item = user.create_item("seen by admins")
    expect_success(deputy.get("/api/v1/users"))
    expect_success(deputy.get(f"/api/v1/items/{item['id']}"))
    expect_success(admin.patch(f"/api/v1/users/{created['id']}", json={"role": "user"}))
    expect_error(deputy.get("/api/v1/users"), "FORBIDDEN")
    expect_error(deputy.get(f"/api/v1/items/{item['id']}"), "NOT_FOUND")


def test_a_promoted_user_gains_admin_reach_on_the_next_request(
    admin: ApiClient, new_user: Callable[[], ApiClient]
) -> None:
    """Promotion, like demotion, needs no new login."""
    owner, promoted = new_user(), new_user()
    item = owner.create_item("seen by admins")
    expect_error(promoted.get(f"/api/v1/items/{item['id']}"), "NOT_FOUND")
    expect_success(admin.patch(f"/api/v1/users/{user_id(promoted)}", json={"role": "admin"}))
    expect_success(promoted.get(f"/api/v1/items/{item['id']}"))
    expect_success(admin.patch(f"/api/v1/users/{user_id(promoted)}", json={"role": "user"}))


def test_a_deactivated_user_is_refused_on_the_next_request(
    admin: ApiClient, new_user: Callable[[], ApiClient]
) -> None:
    """Deactivation counts from the next request: reads and writes are 401."""
    victim = new_user()
    item = victim.create_item("before")
    expect_success(admin.patch(f"/api/v1/users/{user_id(victim)}", json={"is_active": False}))
    expect_error(victim.post("/api/v1/items", json={"name": "after"}), "UNAUTHORIZED")
    expect_error(victim.get("/api/v1/items"), "UNAUTHORIZED")
    expect_error(victim.get(f"/api/v1/items/{item['id']}"), "UNAUTHORIZED")


def active_admin_ids(admin: ApiClient) -> set[int]:
    """Every active admin's id, all pages."""
    ids: set[int] = set()
    page = 1
    while True:
        data = expect_success(admin.get("/api/v1/users", params={"page": page, "page_size": 100}))
        ids |= {u["id"] for u in data["items"] if u["role"] == "admin" and u["is_active"]}
        if page * 100 >= data["total"]:
            return ids
        page += 1


def test_the_last_active_admin_cannot_be_demoted_deactivated_or_deleted(
    admin: ApiClient, new_client: Callable[[], ApiClient]
) -> None:
    """409 CONFLICT with a message; with a second active admin the same change works.
    An inactive admin does not count: they cannot sign in to administer anything."""
    assert admin.user is not None
    me = f"/api/v1/users/{admin.user['id']}"
    deputy = create_user(admin, role="admin")
    # Admins that earlier tests left behind are theirs to lose: only the shared admin stays.
    for other in active_admin_ids(admin) - {admin.user["id"], deputy["id"]}:
        expect_success(admin.patch(f"/api/v1/users/{other}", json={"role": "user"}))
    second = new_client()
    expect_success(second.login(deputy["email"]))
    expect_success(second.patch(f"/api/v1/users/{deputy['id']}", json={"role": "user"}))
    dormant = create_user(admin, role="admin")
    expect_success(admin.patch(f"/api/v1/users/{dormant['id']}", json={"is_active": False}))
    dormant_now = expect_success(admin.get(f"/api/v1/users/{dormant['id']}"))
    assert (dormant_now["role"], dormant_now["is_active"]) == ("admin", False)
    assert active_admin_ids(admin) == {admin.user["id"]}
    for attempt in (
        admin.patch(me, json={"role": "user"}),
        admin.patch(me, json={"is_active": False}),
        admin.patch(me, json={"role": "user", "is_active": False}),
        admin.delete(me),
    ):
        expect_error(attempt, "CONFLICT")
        assert "admin" in error_message(attempt).lower(), describe(attempt)
    mine = expect_success(admin.get(me))
    assert (mine["role"], mine["is_active"]) == ("admin", True)
    assert expect_success(admin.patch(me, json={"role": "admin"}))["role"] == "admin"
