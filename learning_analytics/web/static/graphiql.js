// GraphiQL from the vendored builds (React 18 UMD + GraphiQL 3 UMD): nothing loads from another origin.
// Its default tabs hold saved example queries; the headers editor is open with an Authorization
// header, pre-filled with the key the dashboard keeps for this tab (sessionStorage) when there is one.
"use strict";

(function () {
  const EXAMPLES = [
    {
      query: `# The overview of the last 30 days: totals, changes against the 30 days before, the streak.
# Ctrl-Enter runs it. The Docs panel (book icon) shows every field's description.
query Overview {
  overview(period: LAST_30_DAYS) {
    summary { totalSessions totalExchanges avgQuality streakDays uniqueTopics totalMinutes }
    trends {
      sessions { value change direction }
      quality { value change direction }
      engagement { value change direction }
    }
    streak { current longest todayComplete }
    meta { generatedAt dataThrough stale }
  }
}
`,
    },
    {
      query: `# Progress by week over 90 days, with per-metric statistics and a Chart.js-ready chart.
query Progress($period: Period = LAST_90_DAYS) {
  progress(period: $period, metrics: [SESSIONS, QUALITY], granularity: WEEK) {
    granularity
    points { periodStart sessions exchanges avgQuality }
    statistics { metric total average min max direction }
    chart { labels datasets { label data borderColor yAxisID } }
  }
}
`,
      variables: '{\n  "period": "LAST_90_DAYS"\n}',
    },
    {
      query: `# The daily quality trend with its 7-day rolling average and a 14-day forecast band.
query QualityTrend {
  trend(metric: QUALITY, period: LAST_90_DAYS, window: 7, forecastDays: 14, method: LINEAR) {
    direction slope changePercent confidence prediction30d
    points { date value rollingAvg }
    forecast { date value lowerBound upperBound }
    seasonality { detected pValue bestDay { day value } }
    anomalies { date value expected zScore }
  }
}
`,
    },
    {
      query: `# Create a goal: a failure (e.g. a target out of range) comes back as a ValidationError naming the field.
mutation CreateGoal($input: CreateGoalInput!) {
  createGoal(input: $input) {
    __typename
    ... on Goal { id title goalType targetValue frequency status currentValue progressPercent }
    ... on ValidationError { field message }
  }
}
`,
      variables: '{\n  "input": {\n    "title": "Five sessions a week",\n    "goalType": "SESSIONS",\n    "targetValue": 5,\n    "frequency": "WEEKLY"\n  }\n}',
    },
  ];

  function storedKey() {
    try {
      return window.sessionStorage.getItem("la.apiKey") || "";
    } catch (_) {
      return "";
    }
  }

  const key = storedKey();
  // Without API keys (single-user mode) the server ignores the header; with keys, put yours here.
  const headers = JSON.stringify({ Authorization: "Bearer " + (key || "<your API key>") }, null, 2);
  const tabs = EXAMPLES.map((tab) => Object.assign({ headers: headers }, tab));
  const fetcher = GraphiQL.createFetcher({ url: window.location.origin + "/graphql" });

  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      defaultHeaders: headers,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: "headers",
      visiblePlugin: "Documentation Explorer",
      inputValueDeprecation: true,
    }),
  );
})();
