"""Goals and achievements through GraphQL: defaults, validation, isolation, the 7-day-streak acceptance
scenario, holders from a real population, and streak freezes seen alike by the streak, goals and
achievements.

The service's clock is stopped at NOW (a Wednesday, 15:30 UTC); learners are in UTC unless said.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from support import client_for, events, exchange, gql, session

from learning_analytics.config import Settings
from learning_analytics.jobs import fold as fold_job
from learning_analytics.jobs import goals as goal_job
from learning_analytics.storage import users

NOW = datetime(2026, 3, 18, 15, 30, tzinfo=UTC)
TODAY = NOW.date()

GOAL_FIELDS = """id title description goalType targetMetric targetValue comparison frequency deadline topic
  status currentValue progressPercent periodStart periodEnd completedAt icon color createdAt
  milestones { percent reachedAt } history { evaluatedAt currentValue progressPercent status }
  projectedCompletionDate requiredDailyPace onTrack"""
CREATE = f"""mutation($input: CreateGoalInput!) {{
  createGoal(input: $input) {{
    __typename
    ... on Goal {{ {GOAL_FIELDS} }}
    ... on ValidationError {{ message field code }}
  }}
}}"""
UPDATE = f"""mutation($id: ID!, $input: UpdateGoalInput!) {{
  updateGoal(id: $id, input: $input) {{
    __typename
    ... on Goal {{ {GOAL_FIELDS} }}
    ... on ValidationError {{ message field code }}
    ... on NotFoundError {{ message id }}
  }}
}}"""
DELETE = """mutation($id: ID!) { deleteGoal(id: $id) { __typename ... on Deleted { id } ... on NotFoundError { id } } }"""
GOALS = f"query($status: GoalStatus) {{ goals(status: $status) {{ {GOAL_FIELDS} }} }}"
STREAK_GOAL = {"title": "Build a 7-Day Streak", "goalType": "STREAK", "targetValue": 7}


def at_day(days_ago: int, hour: int = 13) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=hour
    )


def study(days_ago: list[int], prefix: str = "s") -> dict[str, Any]:
    """One 30-minute session with one exchange (quality 0.9) on each of the given days."""
    sessions = [session(f"{prefix}{d}", at_day(d), 30) for d in days_ago]
    exchanges = [
        exchange(f"{prefix}{d}-e", f"{prefix}{d}", at_day(d) + timedelta(minutes=5), 0.9) for d in days_ago
    ]
    return events(sessions, exchanges)


@pytest.fixture
async def client(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    app_client.app.state.runtime.clock = lambda: NOW  # type: ignore[attr-defined]
    return app_client


async def ingest_and_fold(client: httpx.AsyncClient, body: dict[str, Any], **headers: str) -> None:
    r = await client.post("/api/analytics/events", json=body, headers=headers)
    assert r.status_code == 200, r.text
    # The fold job: folds, then evaluates the goals and achievements of the learners it moved.
    await fold_job.fold(client.app.state.runtime, NOW)  # type: ignore[attr-defined]


async def create(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = await gql(client, CREATE, {"input": fields})
    assert "errors" not in body, body
    return body["data"]["createGoal"]


# ---- defaults


async def test_a_new_learner_has_the_six_default_goals_once_and_a_deleted_one_stays_deleted(
    client: httpx.AsyncClient,
) -> None:
    first = (await gql(client, GOALS))["data"]["goals"]
    again = (await gql(client, GOALS))["data"]["goals"]
    deleted = (await gql(client, DELETE, {"id": "daily_engagement"}))["data"]["deleteGoal"]
    after = (await gql(client, GOALS))["data"]["goals"]

    titles = {g["title"] for g in first}
    assert titles == {
        "Weekly Learner", "Daily Engagement", "Quality Champion", "Consistency King", "Century Club",
        "Knowledge Explorer",
    }  # fmt: skip
    assert [g["id"] for g in again] == [g["id"] for g in first]
    weekly = next(g for g in first if g["id"] == "weekly_sessions")
    # The ISO week of Wednesday 2026-03-18: Monday 16th to Sunday 22nd, in UTC.
    assert (weekly["periodStart"], weekly["periodEnd"]) == (
        "2026-03-16T00:00:00+00:00",
        "2026-03-23T00:00:00+00:00",
    )
    assert deleted == {"__typename": "Deleted", "id": "daily_engagement"}
    assert len(after) == 5 and "daily_engagement" not in {g["id"] for g in after}


# ---- validation


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"title": "  "}, "title", "required"),
        ({"title": "x" * 121}, "title", "too_long"),
        ({"targetValue": 0}, "targetValue", "out_of_range"),
        ({"targetValue": -3}, "targetValue", "out_of_range"),
        ({"goalType": "QUALITY", "targetValue": 1.5}, "targetValue", "out_of_range"),
        ({"goalType": "QUALITY", "targetValue": 0}, "targetValue", "out_of_range"),
        ({"deadline": str(TODAY - timedelta(days=1))}, "deadline", "past_deadline"),
        ({"goalType": "TOPIC", "targetValue": 3}, "topic", "required"),
        ({"goalType": "SESSIONS", "targetMetric": "avg_quality_composite"}, "targetMetric", "invalid_metric"),
    ],
)
async def test_each_broken_rule_is_a_validation_error_naming_the_field_and_stores_nothing(
    client: httpx.AsyncClient, fields: dict[str, Any], field: str, code: str
) -> None:
    before = (await gql(client, GOALS))["data"]["goals"]

    body = await gql(client, CREATE, {"input": {**STREAK_GOAL, **fields}})

    result = body["data"]["createGoal"]
    assert (result["__typename"], result["field"], result["code"]) == ("ValidationError", field, code)
    assert result["message"]
    assert (await gql(client, GOALS))["data"]["goals"] == before


async def test_a_goal_beyond_max_active_goals_is_refused_with_code_limit(settings: Settings) -> None:
    limited = settings.model_copy(update={"goals": settings.goals.model_copy(update={"max_active_goals": 7})})
    async with client_for(limited) as c:
        c.app.state.runtime.clock = lambda: NOW  # type: ignore[attr-defined]
        seventh = await create(c, **STREAK_GOAL)  # the six defaults and this one
        eighth = (await gql(c, CREATE, {"input": {**STREAK_GOAL, "title": "One more"}}))["data"]["createGoal"]
        await gql(c, UPDATE, {"id": seventh["id"], "input": {"status": "PAUSED"}})
        after_pause = await create(c, **{**STREAK_GOAL, "title": "Room again"})
        paused = (await gql(c, UPDATE, {"id": seventh["id"], "input": {"status": "ACTIVE"}}))["data"][
            "updateGoal"
        ]

    assert seventh["__typename"] == "Goal"
    assert (eighth["__typename"], eighth["field"], eighth["code"]) == ("ValidationError", "input", "LIMIT")
    assert after_pause["__typename"] == "Goal"
    assert (paused["__typename"], paused["field"], paused["code"]) == ("ValidationError", "status", "LIMIT")


async def test_updates_validate_like_creation_and_a_manual_completion_is_recorded_once(
    client: httpx.AsyncClient,
) -> None:
    goal = await create(client, **STREAK_GOAL, deadline=str(TODAY + timedelta(days=14)))

    empty = (await gql(client, UPDATE, {"id": goal["id"], "input": {"title": ""}}))["data"]["updateGoal"]
    zero = (await gql(client, UPDATE, {"id": goal["id"], "input": {"targetValue": 0}}))["data"]["updateGoal"]
    past = (await gql(client, UPDATE, {"id": goal["id"], "input": {"deadline": "2020-01-01"}}))["data"][
        "updateGoal"
    ]
    failed = (await gql(client, UPDATE, {"id": goal["id"], "input": {"status": "FAILED"}}))["data"][
        "updateGoal"
    ]
    renamed = await gql(
        client, UPDATE, {"id": goal["id"], "input": {"title": "Seven days", "targetValue": 5}}
    )
    done = (await gql(client, UPDATE, {"id": goal["id"], "input": {"status": "COMPLETED"}}))["data"][
        "updateGoal"
    ]
    archived = (await gql(client, UPDATE, {"id": goal["id"], "input": {"status": "ARCHIVED"}}))["data"][
        "updateGoal"
    ]

    assert [(e["field"], e["code"]) for e in (empty, zero, past, failed)] == [
        ("title", "required"),
        ("targetValue", "out_of_range"),
        ("deadline", "past_deadline"),
        ("status", "invalid_transition"),
    ]
    g = renamed["data"]["updateGoal"]
    assert (g["title"], g["targetValue"], g["status"]) == ("Seven days", 5.0, "ACTIVE")
    assert (done["status"], done["completedAt"]) == ("COMPLETED", NOW.isoformat())
    assert done["history"][0]["status"] == "COMPLETED"
    assert (archived["status"], archived["completedAt"]) == ("ARCHIVED", NOW.isoformat())


async def test_bad_list_limits_are_bad_user_input(client: httpx.AsyncClient) -> None:
    body = await gql(
        client, "{ goalSuggestions(limit: 21) { title } nextAchievements(limit: -1) { progressPercent } }"
    )
    history = await gql(client, "{ goals { history(limit: 366) { status } } }")

    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    assert {e["extensions"]["field"] for e in body["errors"]} == {"limit"}
    assert history["errors"][0]["extensions"]["limit"] == 365


# ---- isolation


async def test_another_learners_goal_is_invisible_and_untouchable(settings: Settings) -> None:
    async with client_for(settings) as c:
        runtime = c.app.state.runtime  # type: ignore[attr-defined]
        runtime.clock = lambda: NOW
        for uid in ("alice", "bob"):
            await users.create_user(runtime.db, user_id=uid, name=uid, timezone="UTC", now=NOW)
        alice = {"Authorization": f"Bearer {await users.create_key(runtime.db, user_id='alice', now=NOW)}"}
        bob = {"Authorization": f"Bearer {await users.create_key(runtime.db, user_id='bob', now=NOW)}"}
        mine = (await gql(c, CREATE, {"input": STREAK_GOAL}, **alice))["data"]["createGoal"]
        gid = mine["id"]

        seen = await gql(c, f'{{ goal(id: "{gid}") {{ id }} goals {{ id }} }}', **bob)
        updated = (await gql(c, UPDATE, {"id": gid, "input": {"title": "mine now"}}, **bob))["data"][
            "updateGoal"
        ]
        deleted = (await gql(c, DELETE, {"id": gid}, **bob))["data"]["deleteGoal"]
        unknown = (await gql(c, DELETE, {"id": "no-such-goal"}, **alice))["data"]["deleteGoal"]
        still = await gql(c, f'{{ goal(id: "{gid}") {{ id title }} }}', **alice)

    assert seen["data"]["goal"] is None
    assert gid not in {g["id"] for g in seen["data"]["goals"]}
    assert (updated["__typename"], updated["id"]) == ("NotFoundError", gid)
    assert (deleted["__typename"], deleted["id"]) == ("NotFoundError", gid)
    assert (unknown["__typename"], unknown["id"]) == ("NotFoundError", "no-such-goal")
    assert still["data"]["goal"] == {"id": gid, "title": "Build a 7-Day Streak"}


# ---- acceptance


async def test_a_seven_day_streak_goal_completes_after_a_week_of_sessions_and_unlocks_week_warrior(
    client: httpx.AsyncClient,
) -> None:
    deadline = TODAY + timedelta(days=14)
    created = await create(client, **STREAK_GOAL, deadline=str(deadline))

    await ingest_and_fold(client, study(list(range(7))))
    body = await gql(
        client,
        f"""{{ goal(id: "{created["id"]}") {{ {GOAL_FIELDS} }} streak {{ current longest }}
        achievements(unlocked: true) {{ id unlocked unlockedAt progressPercent holdersPercent points rarity }}
        overview {{ activeGoals {{ id }} recentAchievements {{ id unlockedAt }} }}
        insights(limit: 100) {{ insights {{ rule actionUrl data }} }} }}""",
    )
    again = await goal_job.evaluate(client.app.state.runtime, NOW)  # type: ignore[attr-defined]
    after = (await gql(client, f'{{ goal(id: "{created["id"]}") {{ history {{ status }} }} }}'))["data"][
        "goal"
    ]

    # Created: nothing studied yet. Pace: a streak grows by 1 a day, so 7 days from today reach 7
    # on TODAY + 6; the deadline leaves 15 days (today included): 7 / 15 a day is needed.
    assert (created["status"], created["currentValue"], created["progressPercent"]) == ("ACTIVE", 0.0, 0.0)
    assert created["targetMetric"] == "current_streak"
    assert created["projectedCompletionDate"] == str(TODAY + timedelta(days=6))
    assert created["requiredDailyPace"] == pytest.approx(7 / 15)
    assert created["onTrack"] is True
    assert [h["status"] for h in created["history"]] == ["ACTIVE"]
    data = body["data"]
    goal = data["goal"]
    assert data["streak"] == {"current": 7, "longest": 7}
    assert (goal["status"], goal["currentValue"], goal["progressPercent"]) == ("COMPLETED", 7.0, 100.0)
    assert goal["completedAt"] == NOW.isoformat()
    assert [m["reachedAt"] for m in goal["milestones"]] == [NOW.isoformat()] * 4
    assert [(h["status"], h["currentValue"]) for h in goal["history"]] == [
        ("COMPLETED", 7.0),
        ("ACTIVE", 0.0),
    ]
    unlocked = {a["id"]: a for a in data["achievements"]}
    # 7 sessions, a 7-day run, and the two goals completed (this one and "Consistency King" today).
    assert {"first_session", "streak_3", "streak_7", "goal_getter"} <= set(unlocked)
    week = unlocked["streak_7"]
    assert (week["unlocked"], week["unlockedAt"], week["progressPercent"]) == (True, NOW.isoformat(), 100.0)
    assert (week["points"], week["rarity"], week["holdersPercent"]) == (25, "UNCOMMON", 100.0)
    assert "streak_7" in {a["id"] for a in data["overview"]["recentAchievements"]}
    assert created["id"] not in {g["id"] for g in data["overview"]["activeGoals"]}
    links = {(i["rule"], i["actionUrl"]) for i in data["insights"]["insights"]}
    assert ("achievement_unlocked", "/?view=achievements&id=streak_7") in links
    assert ("goal_completed", f"/?view=goals&id={created['id']}") in links
    # A second pass on the same data changes nothing and unlocks nothing.
    assert (again.goals_updated, again.unlocked) == (0, 0)
    assert [h["status"] for h in after["history"]] == ["COMPLETED", "ACTIVE"]


async def test_stats_and_next_achievements_follow_the_learners_numbers(client: httpx.AsyncClient) -> None:
    await ingest_and_fold(client, study([0, 1, 2]))

    body = await gql(
        client,
        """{ achievementStats { totalAchievements unlockedCount totalPoints
               byRarity { key count total } byCategory { key count total } }
             all: achievements { id unlocked progressPercent category }
             streaks: achievements(category: STREAK) { id }
             locked: achievements(unlocked: false) { id }
             nextAchievements(limit: 2) { progressPercent current target achievement { id unlocked } } }""",
    )

    d = body["data"]
    held = {a["id"] for a in d["all"] if a["unlocked"]}
    # 3 sessions on 3 consecutive days: first_session and streak_3; the default "Consistency King"
    # (a session today) completes, so goal_getter (a first goal completed) too: three commons.
    assert held == {"first_session", "streak_3", "goal_getter"}
    s = d["achievementStats"]
    assert (s["totalAchievements"], s["unlockedCount"], s["totalPoints"]) == (43, 3, 30)
    assert sum(c["total"] for c in s["byRarity"]) == 43 and sum(c["count"] for c in s["byRarity"]) == 3
    assert {c["key"]: c["count"] for c in s["byCategory"]}["streak"] == 1
    assert {a["id"] for a in d["streaks"]} == {a["id"] for a in d["all"] if a["category"] == "STREAK"}
    assert {a["id"] for a in d["locked"]} == {a["id"] for a in d["all"]} - held
    # Each one's percent is its current value over its target, and they are the best of the locked.
    for n in d["nextAchievements"]:
        assert n["achievement"]["unlocked"] is False
        assert n["progressPercent"] == pytest.approx(100 * n["current"] / n["target"])
    percents = [n["progressPercent"] for n in d["nextAchievements"]]
    best_locked = sorted((a["progressPercent"] for a in d["all"] if not a["unlocked"]), reverse=True)[:2]
    assert percents == best_locked


# ---- rarity from the real population


async def test_holders_percent_is_the_share_of_all_learners_holding_each_achievement(
    settings: Settings,
) -> None:
    # Four learners: ann studies 10 days in a row, ben 3 days, cid 1 day, dan never.
    plans = {"ann": list(range(10)), "ben": [0, 1, 2], "cid": [0], "dan": []}
    async with client_for(settings) as c:
        runtime = c.app.state.runtime  # type: ignore[attr-defined]
        runtime.clock = lambda: NOW
        keys = {}
        for uid in plans:
            await users.create_user(runtime.db, user_id=uid, name=uid, timezone="UTC", now=NOW)
            keys[uid] = {
                "Authorization": f"Bearer {await users.create_key(runtime.db, user_id=uid, now=NOW)}"
            }
        for uid, days in plans.items():
            if days:
                r = await c.post("/api/analytics/events", json=study(days, prefix=uid), headers=keys[uid])
                assert r.status_code == 200
        await fold_job.fold(runtime, NOW)
        seen = {
            uid: {
                a["id"]: a
                for a in (await gql(c, "{ achievements { id unlocked holdersPercent } }", **h))["data"][
                    "achievements"
                ]
            }
            for uid, h in keys.items()
        }

    # first_session: ann, ben, cid → 3 of 4; streak_3: ann, ben → 2 of 4; streak_7: ann → 1 of 4;
    # sessions_10: ann (10 sessions) → 1 of 4; streak_14: nobody → 0.
    expected = {
        "first_session": 75.0,
        "streak_3": 50.0,
        "streak_7": 25.0,
        "sessions_10": 25.0,
        "streak_14": 0.0,
    }
    for uid in plans:
        assert {k: seen[uid][k]["holdersPercent"] for k in expected} == expected
    assert seen["dan"]["first_session"]["unlocked"] is False
    assert seen["cid"]["first_session"]["unlocked"] is True and seen["cid"]["streak_3"]["unlocked"] is False


# ---- streak freezes: the streak query, a STREAK goal and the achievements agree


@pytest.mark.parametrize(
    ("days_ago", "current", "longest", "frozen", "freezes"),
    [
        # A 7-day run ending today earns one freeze.
        (list(range(7)), 7, 7, [], 1),
        # Seven days, a missed day (yesterday) bridged by the freeze, then today.
        ([*range(2, 9), 0], 8, 8, [1], 0),
        # Seven days, a missed day (frozen), two days, a second missed day: no freeze left, run broken.
        ([*range(5, 12), 3, 2, 0], 1, 9, [4], 0),
    ],
)
async def test_freezes_are_the_same_for_the_streak_a_streak_goal_and_the_achievements(
    settings: Settings, days_ago: list[int], current: int, longest: int, frozen: list[int], freezes: int
) -> None:
    with_freezes = settings.model_copy(
        update={"progress": settings.progress.model_copy(update={"streak_freezes_max": 2})}
    )
    async with client_for(with_freezes) as c:
        c.app.state.runtime.clock = lambda: NOW  # type: ignore[attr-defined]
        goal = await create(c, title="Thirty days", goalType="STREAK", targetValue=30)
        await ingest_and_fold(c, study(days_ago))
        body = await gql(
            c,
            f"""{{ streak {{ current longest frozenDays freezesAvailable }}
                goal(id: "{goal["id"]}") {{ currentValue progressPercent }}
                achievements(category: STREAK) {{ id unlocked }} }}""",
        )

    d = body["data"]
    assert d["streak"] == {
        "current": current,
        "longest": longest,
        "frozenDays": [str(TODAY - timedelta(days=k)) for k in frozen],
        "freezesAvailable": freezes,
    }
    assert d["goal"]["currentValue"] == current
    assert d["goal"]["progressPercent"] == pytest.approx(100 * current / 30)
    held = {a["id"] for a in d["achievements"] if a["unlocked"]}
    assert ("freeze_saved" in held) == bool(frozen)
    assert ("streak_7" in held) == (longest >= 7)


async def test_goal_suggestions_come_from_the_learners_metrics(client: httpx.AsyncClient) -> None:
    await ingest_and_fold(client, study([0, 1, 2, 3]))

    body = await gql(
        client,
        "{ goalSuggestions(limit: 10) { title goalType suggestedTarget difficulty confidence reason } }",
    )

    found = {s["title"]: s for s in body["data"]["goalSuggestions"]}
    # A current streak of 4: the next step is 7, three days away (medium: 3..7 days).
    streak = found["Build a 7-Day Streak"]
    assert (streak["goalType"], streak["suggestedTarget"], streak["difficulty"]) == ("STREAK", 7.0, "medium")
    # Confidence from 4 active days in the last 14: 1 − exp(−4 / 5).
    assert streak["confidence"] == pytest.approx(round(1 - 2.718281828459045 ** (-4 / 5), 4))
    # 4 sessions in 14 days = 2 a week; 1.2 × 2 = 2.4, at least 3.
    assert found["Complete 3 Sessions This Week"]["suggestedTarget"] == 3.0
    assert all(s["difficulty"] in {"easy", "medium", "hard"} for s in found.values())
