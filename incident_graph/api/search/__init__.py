"""Search: searchAcrossEntities over assets, searchIncidents over incidents."""
