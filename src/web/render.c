/* SPDX-License-Identifier: MIT */
/* Running a route, error pages and problem documents, and the layout every
 * HTML page shares. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "json-record.h"
#include "web.h"

void web_page_init(web_page *pg)
{
        memset(pg, 0, sizeof(*pg));
        pg->status = 200;
        pg->kind = WEB_HTML;
        html_init(&pg->out);
}

void web_page_free(web_page *pg)
{
        html_free(&pg->out);
}

const char *web_content_type(web_kind kind)
{
        switch (kind) {
        case WEB_HTML:
                return "text/html; charset=utf-8";
        case WEB_JSON:
                return "application/json";
        case WEB_PROBLEM:
                return "application/problem+json";
        case WEB_CSS:
                return "text/css; charset=utf-8";
        case WEB_TEXT:
                return "text/plain; charset=utf-8";
        case WEB_XML:
                return "application/xml; charset=utf-8";
        case WEB_SVG:
                return "image/svg+xml";
        }
        return "application/octet-stream";
}

const char *web_status_title(unsigned status)
{
        switch (status) {
        case 200:
                return "OK";
        case 301:
                return "Moved Permanently";
        case 303:
                return "See Other";
        case 304:
                return "Not Modified";
        case 400:
                return "Bad Request";
        case 403:
                return "Forbidden";
        case 404:
                return "Not Found";
        case 405:
                return "Method Not Allowed";
        case 413:
                return "Content Too Large";
        case 414:
                return "URI Too Long";
        case 415:
                return "Unsupported Media Type";
        case 429:
                return "Too Many Requests";
        case 431:
                return "Request Header Fields Too Large";
        case 500:
                return "Internal Server Error";
        case 503:
                return "Service Unavailable";
        }
        return "Error";
}

static bool wants_problem(const web_req *rq)
{
        if (!strncmp(rq->path, "/api/", 5) || !strcmp(rq->path, "/api"))
                return true;
        return rq->accept && strstr(rq->accept, "application/problem+json") &&
               !strstr(rq->accept, "text/html");
}

/* The page's explanation of a status, for people. */
static const char *status_explain(unsigned status)
{
        switch (status) {
        case 400:
                return _("The request was malformed, so the server did not try to answer it.");
        case 403:
                return _("The server understood the request and refuses it.");
        case 404:
                return _("There is no page at this address.");
        case 405:
                return _("This page cannot be asked for with that method.");
        case 413:
                return _("The request carried more data than this site accepts.");
        case 414:
                return _("The address is longer than any address of this site.");
        case 429:
                return _("Too many requests came from this address in a short time.");
        case 431:
                return _("The request's header fields are larger than this site accepts.");
        case 503:
                return _("This part of the site is not available on this server.");
        }
        return _("The server could not answer this request.");
}

/* A page in another language than English gets its links and, right to
 * left, its isolation once (lang.c). */
static void localize(web_page *pg)
{
        if (pg->kind != WEB_HTML || pg->localized)
                return;
        pg->localized = true;
        web_lang_localize(&pg->out, pg->lang);
}

void web_error(const web *w, const web_req *rq, web_page *pg, unsigned status, const char *detail)
{
        html_free(&pg->out);
        html_init(&pg->out);
        pg->status = status;
        pg->no_store = status >= 500 || status == 405 || status == 413 || status == 431;
        if (wants_problem(rq)) {
                /* RFC 9457: "about:blank" says the status is all there is to
                 * know; detail says what was wrong with this request. It has
                 * the members every portscope document has (docs/json.md). */
                json_t *doc = json_doc("problem",
                                       json_pack("{s:s, s:s, s:i}", "type", "about:blank", "title",
                                                 web_status_title(status), "status", (int)status));
                if (doc && detail)
                        json_object_set_new(doc, "detail", json_string(detail));
                if (doc && rq->path[0])
                        json_object_set_new(doc, "instance", json_string(rq->path));
                char *s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
                json_decref(doc);
                pg->kind = WEB_PROBLEM;
                if (s) {
                        ps_dynbuf_add(&pg->out.b, s, strlen(s));
                        ps_dynbuf_addc(&pg->out.b, '\n');
                        free(s);
                } else
                        pg->out.failed = true;
                return;
        }
        pg->kind = WEB_HTML;
        pg->lang = web_req_lang(rq);
        char title[64];
        snprintf(title, sizeof(title), "%u %s", status, web_status_title(status));
        layout_begin(w, pg, title, status_explain(status), NULL);
        H(&pg->out, "<h1>%s</h1>\n<p>%s</p>\n", title, status_explain(status));
        /* Details are English in JSON (N_() in routes.c), translated here. */
        if (detail)
                H(&pg->out, "<p>%s</p>\n", _(detail));
        if (status == 404 && rq->path[0]) {
                char near[5][WEB_PATH_MAX + 1];
                size_t n = web_did_you_mean(w, rq->path, near, 5);
                if (n) {
                        H(&pg->out, "<h2>%s</h2>\n<ul>\n", _("Did you mean"));
                        for (size_t i = 0; i < n; i++)
                                H(&pg->out, "<li><a href=\"%U\">%s</a></li>\n", near[i], near[i]);
                        H(&pg->out, "</ul>\n");
                }
        }
        H(&pg->out, "<p><a href=\"/\">%s</a> · <a href=\"/search\">%s</a></p>\n", _("Home page"),
          _("Search ports and services"));
        layout_end(w, pg);
        localize(pg);
}

void web_render(const web *w, const web_req *rq, const web_route *route, web_page *pg)
{
        pg->lang = web_req_lang(rq);
        /* Votes are answered by the server alone (votes-http.c): the
         * static export has no page for them. */
        if (!route->handler) {
                web_error(w, rq, pg, 404, NULL);
                return;
        }
        route->handler(w, rq, pg);
        if (pg->out.failed)
                web_error(w, rq, pg, 500, NULL);
        localize(pg);
        if (pg->out.failed)
                web_error(w, rq, pg, 500, NULL);
}

void layout_begin(const web *w, web_page *pg, const char *title, const char *description,
                  const char *canonical)
{
        html *h = &pg->out;
        const char *lang = pg->lang ? pg->lang : ps_i18n_languages[0];
        char path[WEB_PATH_MAX + 8];

        H(h, "<!DOCTYPE html>\n<html lang=\"%s\"", lang);
        if (web_lang_rtl(lang))
                H(h, " dir=\"rtl\"");
        H(h,
          ">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>%s · portscope</title>\n",
          title);
        if (description)
                H(h, "<meta name=\"description\" content=\"%s\">\n", description);
        if (canonical && web_lang_path(lang, canonical, path, sizeof(path)) == 0) {
                /* The page in every language, itself included, and the
                 * neutral English URL for readers of none of them. */
                H(h, "<link rel=\"canonical\" href=\"%s%s\">\n", w->base_url, path);
                for (int i = 0; i < PS_I18N_N_LANGUAGES; i++)
                        if (web_lang_path(ps_i18n_languages[i], canonical, path, sizeof(path)) == 0)
                                H(h, "<link rel=\"alternate\" hreflang=\"%s\" href=\"%s%s\">\n",
                                  ps_i18n_languages[i], w->base_url, path);
                H(h, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"%s%s\">\n", w->base_url,
                  canonical);
        }
        H(h, "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
             "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n"
             "<meta name=\"color-scheme\" content=\"light dark\">\n"
             "</head>\n<body>\n");
        H(h, "<a class=\"skip\" href=\"#main\">%s</a>\n", _("Skip to the content"));
        H(h,
          "<header class=\"site\">\n<a class=\"brand\" href=\"/\">portscope</a>\n"
          "<nav aria-label=\"%s\">\n"
          "<a href=\"/ranges\">%s</a>\n<a href=\"/notes\">%s</a>\n"
          "<a href=\"/suggest\">%s</a>\n"
          "<a href=\"/about\">%s</a>\n</nav>\n",
          _("Site"), _("Ranges"), _("Notes"), _("Free ports"), _("About"));
        /* The same page in each language; a page without an address of
         * its own (an error) offers each language's home page. English's
         * home is asked for explicitly, or the root would send a reader
         * whose browser prefers another language straight back. */
        H(h, "<nav class=\"langs\" aria-label=\"%s\"><ul>\n", _("Languages"));
        for (int i = 0; i < PS_I18N_N_LANGUAGES; i++) {
                const char *l = ps_i18n_languages[i];
                const char *target = canonical ? canonical : "/";
                if (i == 0 && !strcmp(target, "/"))
                        snprintf(path, sizeof(path), "/?lang=en");
                else if (web_lang_path(l, target, path, sizeof(path)) < 0)
                        continue;
                H(h, "<li><a hreflang=\"%s\" lang=\"%s\" href=\"%U\"", l, l, path);
                if (web_lang_rtl(l))
                        H(h, " dir=\"rtl\"");
                if (!strcmp(l, lang))
                        H(h, " aria-current=\"page\"");
                H(h, ">%s</a></li>\n", web_lang_name(l));
        }
        H(h, "</ul></nav>\n");
        H(h,
          "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\">\n"
          "<label class=\"vh\" for=\"site-q\">%s</label>\n"
          "<input id=\"site-q\" name=\"q\" type=\"search\" maxlength=\"200\" "
          "placeholder=\"%s\">\n<button type=\"submit\">%s</button>\n</form>\n"
          "</header>\n<main id=\"main\">\n",
          _("Search ports and services"), _("Port, service or word"), _("Search"));
}

void layout_end(const web *w, web_page *pg)
{
        html *h = &pg->out;
        H(h, "</main>\n<footer class=\"site\">\n<p>");
        char date[64];
        char n[PS_I18N_NUM_MAX];
        html_textf(h,
                   ngettext("IANA registry of %s, %s knowledge note.",
                            "IANA registry of %s, %s knowledge notes.", ps_notes_count(w->notes)),
                   web_date(ps_db_date(w->db), date, sizeof(date)),
                   ps_i18n_number(n, sizeof(n), ps_notes_count(w->notes)));
        H(h,
          " <a href=\"/changes\">%s</a> · <a href=\"/about\">%s</a> · "
          "<a href=\"/api/v1\">%s</a> · <a href=\"/sitemap.xml\">%s</a></p>\n</footer>\n"
          "</body>\n</html>\n",
          _("Registry changes"), _("Sources and licences"), _("JSON API"), _("Sitemap"));
}

void layout_breadcrumb(web_page *pg, const char *const *items, size_t n)
{
        html *h = &pg->out;
        H(h, "<nav class=\"crumbs\" aria-label=\"%s\"><ol>\n", _("Breadcrumb"));
        for (size_t i = 0; i + 1 < n; i += 2) {
                if (items[i + 1])
                        H(h, "<li><a href=\"%U\">%s</a></li>\n", items[i + 1], items[i]);
                else
                        H(h, "<li><span aria-current=\"page\">%s</span></li>\n", items[i]);
        }
        H(h, "</ol></nav>\n");
}
