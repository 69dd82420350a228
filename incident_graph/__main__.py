from incident_graph.cli import main

raise SystemExit(main())
