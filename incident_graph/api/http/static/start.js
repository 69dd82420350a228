// Starts GraphiQL against this server.
//
// The token goes into the bar above the editor. It is checked with a `me` query, kept in this
// tab's sessionStorage (gone when the tab closes; never in the URL or localStorage) and sent as
// `Authorization: Bearer <token>` on every request. An Authorization header typed into the
// Headers tab wins over it.
//
// When the server keeps its schema private (INCIDENT_GRAPH_PUBLIC_INTROSPECTION=false, which the
// server writes into <html data-public-introspection>), GraphiQL is not started, so nothing is
// introspected, until a token is accepted; a refused token shows the server's UNAUTHENTICATED
// message. With a public schema GraphiQL starts at once, so the docs work before sign-in.
//
// /api/graphiql?incident=<urn> (the link in notifications) opens a ready query for that
// incident, with the URN in the variables.
(function () {
  "use strict";
  var KEY = "incident-graph:token";
  var publicSchema = document.documentElement.dataset.publicIntrospection !== "false";
  var incident = new URLSearchParams(window.location.search).get("incident");
  var mount = document.getElementById("graphiql");
  var input = document.getElementById("token-input");
  var status = document.getElementById("token-status");
  var root = ReactDOM.createRoot(mount);
  var started = false;

  function stored() {
    return sessionStorage.getItem(KEY) || "";
  }

  function say(text, refused) {
    status.textContent = text;
    status.className = refused ? "refused" : "";
  }

  // Asks the server who the token belongs to: {who} when it is valid, else {message}.
  function check(secret) {
    return fetch(window.location.origin + "/api/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + secret },
      body: JSON.stringify({ query: "query whoAmI { me { user { urn } role } }" }),
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (body) {
        if (body && body.data && body.data.me) {
          return { who: body.data.me.user.urn + " (" + body.data.me.role + ")" };
        }
        var error = (body && body.errors && body.errors[0]) || {};
        var code = (error.extensions && error.extensions.code) || "ERROR";
        return { message: code + ": " + (error.message || "the server refused the token") };
      })
      .catch(function (error) {
        return { message: "could not reach the server: " + error };
      });
  }

  var send = GraphiQL.createFetcher({ url: window.location.origin + "/api/graphql" });
  var fetcher = function (params, options) {
    var headers = Object.assign({}, options && options.headers);
    // The Headers tab's placeholder is not a token: never send it.
    if (/</.test(headers.Authorization || "")) {
      delete headers.Authorization;
    }
    if (!headers.Authorization && stored()) {
      headers.Authorization = "Bearer " + stored();
    }
    return send(params, Object.assign({}, options, { headers: headers }));
  };

  var incidentQuery = [
    "# The incident from the link: run it with ▶.",
    "query incident($urn: String!) {",
    "  incident(urn: $urn) {",
    "    urn",
    "    title",
    "    description",
    "    incidentType",
    "    priority",
    "    incidentStatus { state stage message lastUpdated { time actor } }",
    "    entities { urn type }",
    "    created { time actor }",
    "    lead { urn }",
    "    comments { total comments { text } }",
    "  }",
    "}",
    "",
  ].join("\n");

  var defaultQuery = [
    "# Put your access token in the bar above (incident-graph serve prints the first admin",
    "# token on an empty database; `incident-graph token create` makes more).",
    "",
    "query activeIncidents {",
    '  searchAcrossEntities(input: {query: "*", orFilters: [{and: [{field: "hasActiveIncidents", values: ["true"]}]}]}) {',
    "    total",
    "    searchResults { entity { urn type } }",
    "  }",
    "}",
    "",
  ].join("\n");

  function start() {
    if (started) {
      return;
    }
    started = true;
    var props = {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      headerEditorEnabled: true,
      // A private schema's page keeps nothing beyond the tab; a public one keeps the Headers
      // tab as it always did (the token in the bar is never persisted either way).
      shouldPersistHeaders: publicSchema,
      defaultEditorToolsVisibility: incident ? "variables" : publicSchema ? "headers" : false,
    };
    if (publicSchema) {
      props.defaultHeaders = '{"Authorization": "Bearer <paste your token here>"}';
    }
    if (incident) {
      props.query = incidentQuery;
      props.variables = JSON.stringify({ urn: incident }, null, 2);
    }
    root.render(React.createElement(GraphiQL, props));
  }

  function lock(message) {
    started = false;
    root.render(
      React.createElement(
        "div",
        { id: "locked" },
        React.createElement("h1", null, "Sign in to use GraphiQL"),
        React.createElement(
          "p",
          null,
          "This server's schema is private: GraphiQL opens once you enter a valid access " +
            "token in the bar above. The token stays in this tab only."
        ),
        message ? React.createElement("p", { className: "refused", id: "locked-reason" }, message) : null
      )
    );
  }

  function use(secret, fromStorage) {
    say("checking the token…", false);
    return check(secret).then(function (answer) {
      if (answer.who) {
        sessionStorage.setItem(KEY, secret);
        input.value = "";
        say("signed in as " + answer.who, false);
        start();
        return;
      }
      sessionStorage.removeItem(KEY);
      var message = (fromStorage ? "the token kept in this tab was refused: " : "") + answer.message;
      say(message, true);
      if (!publicSchema && !started) {
        lock(message);
      }
    });
  }

  document.getElementById("token-bar").addEventListener("submit", function (event) {
    event.preventDefault();
    var secret = input.value.trim();
    if (secret) {
      use(secret, false);
    } else {
      say("enter a token first", true);
    }
  });

  document.getElementById("token-forget").addEventListener("click", function () {
    sessionStorage.removeItem(KEY);
    input.value = "";
    say("token forgotten", false);
    if (!publicSchema) {
      lock("");
    }
  });

  if (publicSchema) {
    start();
  } else {
    lock("");
  }
  if (stored()) {
    use(stored(), true);
  }
})();
