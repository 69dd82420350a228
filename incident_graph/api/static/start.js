// Starts GraphiQL against this server. The token is pasted into the Headers tab; it is kept
// in the browser's local storage by GraphiQL itself and never put in the page's URL.
(function () {
  var send = GraphiQL.createFetcher({ url: window.location.origin + "/api/graphql" });
  // Until a real token replaces the placeholder, send no Authorization header at all: the
  // server answers schema introspection without a token (unless configured not to), so the
  // docs and autocompletion work before sign-in, and a bogus token is never sent.
  var fetcher = function (params, options) {
    var headers = Object.assign({}, options && options.headers);
    if (/</.test(headers.Authorization || "")) {
      delete headers.Authorization;
    }
    return send(params, Object.assign({}, options, { headers: headers }));
  };
  var defaultQuery = [
    "# Paste your token into the Headers tab below:",
    '#   {"Authorization": "Bearer <token>"}',
    "# (incident-graph serve prints the first admin token on an empty database.)",
    "",
    "query activeIncidents {",
    '  searchAcrossEntities(input: {query: "*", orFilters: [{and: [{field: "hasActiveIncidents", values: ["true"]}]}]}) {',
    "    total",
    "    searchResults { entity { urn type } }",
    "  }",
    "}",
    "",
  ].join("\n");
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultHeaders: '{"Authorization": "Bearer <paste your token here>"}',
      headerEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: "headers",
    })
  );
})();
