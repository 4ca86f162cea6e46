package qliksim

import "net/http"

// objectRoutes are the handlers of an API area's collection: list and create on the collection's path; get, patch,
// put and delete on the path of one object. A nil handler is a method the area does not serve there.
type objectRoutes struct {
	list, create            http.HandlerFunc
	get, patch, put, delete http.HandlerFunc
}

// handleObjects registers routes on path and on path/{param}, param being the path parameter that holds the
// object's id. An area registers its other routes (actions, files, runs) next to these.
func (h *host) handleObjects(path, param string, routes objectRoutes) {
	one := path + "/{" + param + "}"
	for _, rt := range []struct {
		pattern string
		handler http.HandlerFunc
	}{
		{"GET " + path, routes.list},
		{"POST " + path, routes.create},
		{"GET " + one, routes.get},
		{"PATCH " + one, routes.patch},
		{"PUT " + one, routes.put},
		{"DELETE " + one, routes.delete},
	} {
		if rt.handler != nil {
			h.mux.HandleFunc(rt.pattern, rt.handler)
		}
	}
}
