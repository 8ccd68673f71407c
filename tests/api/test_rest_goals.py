"""REST goals and achievements: the seed's goals block, creating, changing and deleting goals with the
seed's body, the achievements catalog, each against the OpenAPI document and the GraphQL answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from rest_support import NOW, assert_matches, dataset, get, openapi
from support import gql

from learning_analytics.jobs import fold as fold_job

JSON = {"content-type": "application/json"}
GOAL_FIELDS = "id title currentValue progressPercent status topic targetValue description deadline"


@pytest.fixture
async def loaded(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The small dataset ingested, folded, and the goals and achievements evaluated, at NOW."""
    runtime = app_client.app.state.runtime  # type: ignore[attr-defined]
    runtime.clock = lambda: NOW
    r = await app_client.post("/api/analytics/events", json=dataset())
    assert r.status_code == 200, r.text
    await fold_job.fold(runtime, NOW)
    return app_client


async def send(client: httpx.AsyncClient, method: str, path: str, body: Any = None) -> httpx.Response:
    """A change through REST, checked against the OpenAPI document whatever its status."""
    r = await client.request(method, path, json=body, headers=JSON)
    template = "/api/analytics/goals/{id}" if path.count("/") == 4 else path
    assert_matches(
        await openapi(client), template, r.json(), method=method.lower(), status=str(r.status_code)
    )
    return r


async def graphql_goal(client: httpx.AsyncClient, goal_id: str) -> Any:
    body = await gql(client, f'{{ goal(id: "{goal_id}") {{ {GOAL_FIELDS} }} }}')
    return body["data"]["goal"]


async def test_the_goals_block_has_the_seed_shape_and_equals_graphql(loaded: httpx.AsyncClient) -> None:
    g = await get(loaded, "/api/analytics/goals")
    body = await gql(
        loaded,
        f"{{ goals(status: ACTIVE) {{ {GOAL_FIELDS} }} overview {{ recentAchievements {{ id unlockedAt }} }} }}",
    )

    assert list(g) == ["active_goals", "streak", "recent_achievements", "milestones", "meta"]
    assert [(x["id"], x["name"], x["current"], x["progress"], x["target"]) for x in g["active_goals"]] == [
        (x["id"], x["title"], x["currentValue"], x["progressPercent"], x["targetValue"])
        for x in body["data"]["goals"]
    ]
    assert len(g["active_goals"]) == 6  # the architecture's default goals
    assert [(a["id"], datetime.fromisoformat(a["unlocked_at"])) for a in g["recent_achievements"]] == [
        (a["id"], datetime.fromisoformat(a["unlockedAt"]))
        for a in body["data"]["overview"]["recentAchievements"]
    ]
    assert g["recent_achievements"], "the first session unlocks an achievement"
    assert (g["streak"]["current"], g["streak"]["best"], g["streak"]["today_complete"]) == (3, 3, False)
    # Lifetime: 4 sessions (next milestone 10) and 3 topics (next 5).
    assert g["milestones"] == {
        "sessions": {"current": 4, "next": 10, "progress": 40.0},
        "topics": {"current": 3, "next": 5, "progress": 60.0},
    }
    weekly = next(x for x in g["active_goals"] if x["name"] == "Weekly Learner")
    # This ISO week (Monday 16 March to NOW, Wednesday 18th) holds D (16th) and A (17th), not B
    # (Sunday 15th): 2 sessions of 5.
    assert (weekly["current"], weekly["target"], weekly["progress"]) == (2.0, 5.0, 40.0)
    assert weekly["ends_at"] == "2026-03-23T00:00:00Z"


async def test_a_goal_created_with_the_seed_body_is_measured_and_equals_graphql(
    loaded: httpx.AsyncClient,
) -> None:
    r = await send(
        loaded,
        "POST",
        "/api/analytics/goals",
        {
            "name": "Master Python",
            "description": "Complete 20 Python sessions",
            "target_metric": "session_count",
            "target_value": 20,
            "frequency": "weekly",
            "filters": {"topic": "python"},
        },
    )

    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    goal = r.json()["goal"]
    # Sessions on python this ISO week (from Monday 16th): A (17th); B (Sunday 15th) is last week's.
    assert (goal["name"], goal["topic"], goal["current"], goal["progress"]) == (
        "Master Python",
        "python",
        1.0,
        5.0,
    )
    assert (goal["goal_type"], goal["status"], goal["frequency"]) == ("custom", "active", "weekly")
    theirs = await graphql_goal(loaded, goal["id"])
    assert (theirs["title"], theirs["currentValue"], theirs["progressPercent"]) == ("Master Python", 1.0, 5.0)
    one = await get(loaded, f"/api/analytics/goals/{goal['id']}", template="/api/analytics/goals/{id}")
    assert one["goal"] == goal


@pytest.mark.parametrize(
    ("body", "parameter", "code"),
    [
        ({"name": "", "target_value": 5}, "name", "required"),
        ({"name": "x", "target_value": 0}, "target_value", "out_of_range"),
        ({"name": "x", "target_value": 5, "target_metric": "happiness"}, "target_metric", "invalid_metric"),
        ({"name": "x", "target_value": 5, "goal_type": "topic"}, "filters.topic", "required"),
        ({"name": "x", "target_value": 5, "deadline": "2020-01-01"}, "deadline", "past_deadline"),
        ({"name": "x", "target_value": 5, "goal_type": "nonsense"}, "goal_type", "invalid_body"),
        ({"name": "x", "target_value": "5"}, "target_value", "invalid_body"),
        ({"name": "x"}, "target_value", "invalid_body"),
        ({"name": "x", "target_value": 5, "title": "y"}, "title", "invalid_body"),
        ({"name": "x", "target_value": 5, "deadline": "tomorrow"}, "deadline", "invalid_body"),
    ],
)
async def test_a_bad_goal_is_a_400_naming_the_field_and_stores_nothing(
    loaded: httpx.AsyncClient, body: dict[str, Any], parameter: str, code: str
) -> None:
    before = await get(loaded, "/api/analytics/goals")

    r = await send(loaded, "POST", "/api/analytics/goals", body)

    assert r.status_code == 400, r.text
    assert (r.json()["error"]["parameter"], r.json()["error"]["code"]) == (parameter, code)
    after = await get(loaded, "/api/analytics/goals")
    assert [x["id"] for x in after["active_goals"]] == [x["id"] for x in before["active_goals"]]


async def test_a_goal_is_changed_paused_and_deleted(loaded: httpx.AsyncClient) -> None:
    created = await send(loaded, "POST", "/api/analytics/goals", {"name": "Ten", "target_value": 10})
    goal_id = created.json()["goal"]["id"]
    path = f"/api/analytics/goals/{goal_id}"

    renamed = await send(loaded, "PATCH", path, {"name": "Twelve", "target_value": 12, "description": "more"})
    cleared = await send(loaded, "PATCH", path, {"description": None})
    paused = await send(loaded, "PATCH", path, {"status": "paused"})
    refused = await send(loaded, "PATCH", path, {"status": "failed"})
    unknown_key = await send(loaded, "PATCH", path, {"colour": "red"})

    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["goal"]["name"], renamed.json()["goal"]["target"]) == ("Twelve", 12.0)
    assert renamed.json()["goal"]["description"] == "more"
    assert cleared.json()["goal"]["description"] is None
    assert cleared.json()["goal"]["name"] == "Twelve"  # what the body leaves out stays
    assert paused.json()["goal"]["status"] == "paused"
    assert refused.status_code == 400 and refused.json()["error"]["parameter"] == "status"
    assert unknown_key.status_code == 400 and unknown_key.json()["error"]["parameter"] == "colour"
    theirs = await graphql_goal(loaded, goal_id)
    assert (theirs["title"], theirs["status"], theirs["description"]) == ("Twelve", "PAUSED", None)

    deleted = await send(loaded, "DELETE", path)
    again = await send(loaded, "DELETE", path)
    missing = await loaded.get(path)

    assert deleted.status_code == 200 and deleted.json() == {"deleted": goal_id}
    assert again.status_code == 404 and again.json()["error"]["parameter"] == "id"
    assert missing.status_code == 404
    assert await graphql_goal(loaded, goal_id) is None


async def test_an_unknown_goal_is_a_404(loaded: httpx.AsyncClient) -> None:
    r = await send(loaded, "PATCH", "/api/analytics/goals/g_nope", {"name": "x"})

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


async def test_achievements_equal_graphql_and_filter(loaded: httpx.AsyncClient) -> None:
    a = await get(loaded, "/api/analytics/achievements", limit="3")
    body = await gql(
        loaded,
        """{ achievements { id unlocked unlockedAt progressPercent holdersPercent points }
             achievementStats { totalAchievements unlockedCount totalPoints completionPercent }
             nextAchievements(limit: 3) { achievement { id } progressPercent current target } }""",
    )
    g = body["data"]

    assert [
        (x["id"], x["unlocked"], when(x["unlocked_at"]), x["progress_percent"], x["holders_percent"])
        for x in a["achievements"]
    ] == [
        (x["id"], x["unlocked"], when(x["unlockedAt"]), x["progressPercent"], x["holdersPercent"])
        for x in g["achievements"]
    ]
    stats = a["stats"]
    assert (stats["total_achievements"], stats["unlocked_count"], stats["total_points"]) == (
        g["achievementStats"]["totalAchievements"],
        g["achievementStats"]["unlockedCount"],
        g["achievementStats"]["totalPoints"],
    )
    held = [x for x in a["achievements"] if x["unlocked"]]
    assert stats["unlocked_count"] == len(held) > 0
    assert stats["total_points"] == sum(x["points"] for x in held)
    assert [
        (n["achievement"]["id"], n["progress_percent"], n["current"], n["target"]) for n in a["next"]
    ] == [
        (n["achievement"]["id"], n["progressPercent"], n["current"], n["target"])
        for n in g["nextAchievements"]
    ]
    only_held = await get(loaded, "/api/analytics/achievements", unlocked="true")
    assert [x["id"] for x in only_held["achievements"]] == [x["id"] for x in held]
    streaks = await get(loaded, "/api/analytics/achievements", category="streak", unlocked="false")
    assert streaks["achievements"] and all(
        x["category"] == "streak" and not x["unlocked"] for x in streaks["achievements"]
    )


@pytest.mark.parametrize(
    ("query", "parameter", "code"),
    [
        ("category=fame", "category", "invalid"),
        ("unlocked=maybe", "unlocked", "invalid"),
        ("limit=51", "limit", "out_of_range"),
        ("limit=-1", "limit", "out_of_range"),
        ("rarity=epic", "rarity", "unknown_parameter"),
    ],
)
async def test_bad_achievement_parameters_are_400s(
    app_client: httpx.AsyncClient, query: str, parameter: str, code: str
) -> None:
    r = await app_client.get(f"/api/analytics/achievements?{query}")

    assert r.status_code == 400
    assert (r.json()["error"]["parameter"], r.json()["error"]["code"]) == (parameter, code)


async def test_the_goals_route_takes_no_parameters(app_client: httpx.AsyncClient) -> None:
    r = await app_client.get("/api/analytics/goals?period=7d")

    assert r.status_code == 400
    assert r.json()["error"]["parameter"] == "period"
