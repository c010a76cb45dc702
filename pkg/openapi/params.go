package openapi

// param is one operation or path parameter.
type param struct {
	name        string
	in          string // path or query
	typ         string // string, integer or boolean
	description string
	required    bool
}

func pathParam(name, description string) param {
	return param{name: name, in: "path", typ: "string", description: description, required: true}
}

func query(name, typ, description string) param {
	return param{name: name, in: "query", typ: typ, description: description}
}

func namespaceParam() param {
	return pathParam("namespace", "object name and auth scope, such as for teams and projects")
}

func nameParam(kind string) param {
	return pathParam("name", "name of the "+kind)
}

func prettyParam() param {
	return query("pretty", "string", "If 'true', then the output is pretty printed.")
}

// listParams are the query parameters of list and watch requests.
func listParams() []param {
	return []param{
		query("allowWatchBookmarks", "boolean", "Request watch events of type BOOKMARK; ignored unless watch is set."),
		query("continue", "string", "The continue token returned by a previous paged list call."),
		query("fieldSelector", "string", "Restrict the returned objects by their fields."),
		query("labelSelector", "string", "Restrict the returned objects by their labels."),
		query("limit", "integer", "Maximum number of objects to return in one page of a list call."),
		query("resourceVersion", "string", "Constrain which resource versions the request may be served from."),
		query("resourceVersionMatch", "string", "How resourceVersion is applied: Exact or NotOlderThan."),
		query("sendInitialEvents", "boolean", "Start a watch with synthetic events for the current state."),
		query("timeoutSeconds", "integer", "Timeout for the list or watch call."),
		query("watch", "boolean", "Watch for changes to the described resources instead of listing them."),
	}
}

// writeParams are the query parameters of create and update requests.
func writeParams() []param {
	return []param{
		query("dryRun", "string", "When present (All), modifications are validated but not persisted."),
		query("fieldManager", "string", "Name of the actor making the change, recorded in managedFields."),
		query("fieldValidation", "string", "How unknown or duplicate fields are handled: Ignore, Warn (default) or Strict."),
	}
}

// patchParams are the query parameters of patch requests.
func patchParams() []param {
	return append(writeParams(),
		query("force", "boolean", "Force an apply patch to take over conflicting fields owned by other managers."))
}

// deleteParams are the query parameters of delete requests.
func deleteParams() []param {
	return []param{
		query("dryRun", "string", "When present (All), the deletion is validated but not persisted."),
		query("gracePeriodSeconds", "integer", "Seconds before the object should be deleted; zero deletes immediately."),
		query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean", "Delete an object that cannot be decoded from storage."),
		query("orphanDependents", "boolean", "Deprecated: use propagationPolicy."),
		query("propagationPolicy", "string", "Garbage collection of dependents: Orphan, Background or Foreground."),
	}
}

// withPretty appends the pretty parameter every operation accepts.
func withPretty(ps []param) []param {
	return append(ps, prettyParam())
}
