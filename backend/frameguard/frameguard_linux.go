//go:build linux && (dev || production)

package frameguard

/*
#cgo linux pkg-config: gtk+-3.0
#cgo !webkit2_41 pkg-config: webkit2gtk-4.0
#cgo webkit2_41 pkg-config: webkit2gtk-4.1
#include <stdlib.h>
#include <stdint.h>
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

extern void frameguardDone(uintptr_t handle, int isolated, int reloaded, char *detail);

typedef struct {
	uintptr_t handle;
	char *isolated_js;
	char *main_js;
	char *world;
	int attempts;
} tg_job;

static WebKitWebView *tg_find(GtkWidget *w) {
	if (WEBKIT_IS_WEB_VIEW(w)) return WEBKIT_WEB_VIEW(w);
	if (!GTK_IS_CONTAINER(w)) return NULL;
	GList *kids = gtk_container_get_children(GTK_CONTAINER(w));
	WebKitWebView *found = NULL;
	for (GList *l = kids; l != NULL && found == NULL; l = l->next) found = tg_find(GTK_WIDGET(l->data));
	g_list_free(kids);
	return found;
}

static void tg_free(tg_job *job) {
	free(job->isolated_js);
	free(job->main_js);
	free(job->world);
	free(job);
}

static gboolean tg_install(gpointer data) {
	tg_job *job = (tg_job *)data;
	WebKitWebView *wv = NULL;
	GList *tops = gtk_window_list_toplevels();
	for (GList *l = tops; l != NULL && wv == NULL; l = l->next) wv = tg_find(GTK_WIDGET(l->data));
	g_list_free(tops);
	if (wv == NULL) {
		// The window is built on this thread before the main loop runs, so
		// this only happens if something iterated the loop earlier. Retry
		// for a while without spinning.
		if (++job->attempts < 500) {
			g_timeout_add(10, tg_install, job);
			return G_SOURCE_REMOVE;
		}
		frameguardDone(job->handle, 0, 0, "no web view was found in the window");
		tg_free(job);
		return G_SOURCE_REMOVE;
	}
	WebKitUserContentManager *m = webkit_web_view_get_user_content_manager(wv);
	if (!webkit_user_content_manager_register_script_message_handler_in_world(m, "external", job->world)) {
		frameguardDone(job->handle, 0, 0, "WebKit refused the message handler in the isolated world");
		tg_free(job);
		return G_SOURCE_REMOVE;
	}
	WebKitUserScript *iso = webkit_user_script_new_for_world(job->isolated_js,
		WEBKIT_USER_CONTENT_INJECT_TOP_FRAME, WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, job->world, NULL, NULL);
	WebKitUserScript *shim = webkit_user_script_new(job->main_js,
		WEBKIT_USER_CONTENT_INJECT_TOP_FRAME, WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, NULL, NULL);
	webkit_user_content_manager_add_script(m, iso);
	webkit_user_content_manager_add_script(m, shim);
	webkit_user_script_unref(iso);
	webkit_user_script_unref(shim);
	// Wails' signal handler ("script-message-received::external") stays
	// connected: it now receives only what the isolated world posts.
	webkit_user_content_manager_unregister_script_message_handler(m, "external");
	// Scripts apply to documents created after this point. A main resource
	// means a document already began loading without them: load it again.
	int reloaded = 0;
	if (webkit_web_view_get_main_resource(wv) != NULL) {
		webkit_web_view_reload(wv);
		reloaded = 1;
	}
	frameguardDone(job->handle, 1, reloaded, "");
	tg_free(job);
	return G_SOURCE_REMOVE;
}

static void tg_schedule(uintptr_t handle, const char *isolated_js, const char *main_js, const char *world) {
	tg_job *job = calloc(1, sizeof(tg_job));
	job->handle = handle;
	job->isolated_js = strdup(isolated_js);
	job->main_js = strdup(main_js);
	job->world = strdup(world);
	// Before Wails' first page request can be answered: the main loop runs
	// high-priority sources first, and wails:// requests and navigation
	// policy decisions are handled on this loop at default priority.
	g_idle_add_full(G_PRIORITY_HIGH, tg_install, job, NULL);
}
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// Install schedules the guard on the GTK main loop. Call it before
// wails.Run, from any goroutine; it returns at once.
func Install() *Guard {
	g := &Guard{done: make(chan struct{})}
	h := cgo.NewHandle(g)
	iso, shim, world := C.CString(isolatedJS), C.CString(mainJS), C.CString(World)
	defer C.free(unsafe.Pointer(iso))
	defer C.free(unsafe.Pointer(shim))
	defer C.free(unsafe.Pointer(world))
	C.tg_schedule(C.uintptr_t(h), iso, shim, world)
	return g
}

//export frameguardDone
func frameguardDone(handle C.uintptr_t, isolated, reloaded C.int, detail *C.char) {
	h := cgo.Handle(handle)
	g := h.Value().(*Guard)
	h.Delete()
	g.finish(Result{Needed: true, Isolated: isolated != 0, Reloaded: reloaded != 0, Detail: C.GoString(detail)})
}
