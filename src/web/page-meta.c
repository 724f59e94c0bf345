/* SPDX-License-Identifier: MIT */
/* The resources around the pages: sitemap, robots.txt, the stylesheet, the
 * icon and the health check. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "web.h"

extern const char web_asset_style_css[], web_asset_icon_svg[];
extern const size_t web_asset_style_css_len, web_asset_icon_svg_len;

/* A page in every language of the site: English at path, the others under /LL. */
static void url(const web *w, web_page *pg, const char *path)
{
        char p[WEB_PATH_MAX + 8];
        for (int i = 0; i < PS_I18N_N_LANGUAGES; i++)
                if (web_lang_path(ps_i18n_languages[i], path, p, sizeof(p)) == 0)
                        H(&pg->out, "<url><loc>%s%s</loc></url>\n", w->base_url, p);
}

/* Whether a port has anything of its own to say: a registered service or a
 * knowledge note about it or a small range around it (not the notes on
 * whole ephemeral ranges). Unassigned ports have pages too, but thin ones
 * that do not belong in a sitemap. */
static bool port_has_content(const web *w, unsigned port)
{
        ps_iter it;
        ps_record rec;
        ps_notes_iter nit;
        ps_note note;
        ps_iter_port(&it, w->db, port, PS_PROTO_ANY);
        while (ps_iter_next(&it, &rec) > 0)
                if (rec.name[0] && !(rec.flags & (PS_REC_UNASSIGNED | PS_REC_RESERVED)))
                        return true;
        ps_notes_iter_port(&nit, w->notes, port, PS_PROTO_ANY);
        while (ps_notes_iter_next(&nit, &note) > 0)
                for (unsigned i = 0; i < note.n_ports; i++) {
                        ps_note_port p;
                        if (ps_note_get_port(w->notes, &note, i, &p) >= 0 && p.lo <= port &&
                            port <= p.hi && p.hi - p.lo < 100)
                                return true;
                }
        return false;
}

void page_sitemap(const web *w, const web_req *rq, web_page *pg)
{
        size_t n;
        const web_route *r = web_routes(&n);
        char path[WEB_PATH_MAX + 1];

        (void)rq;
        pg->kind = WEB_XML;
        H(&pg->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (size_t i = 0; i < n; i++)
                if (r[i].in_sitemap && strcmp(r[i].pattern, "/search"))
                        url(w, pg, r[i].pattern);
        for (unsigned p = 0; p <= 65535; p++)
                if (port_has_content(w, p)) {
                        snprintf(path, sizeof(path), "/ports/%u", p);
                        url(w, pg, path);
                }
        H(&pg->out, "</urlset>\n");
}

void page_robots(const web *w, const web_req *rq, web_page *pg)
{
        (void)rq;
        pg->kind = WEB_TEXT;
        H(&pg->out, "User-agent: *\nDisallow: /api/\nDisallow: /search\nSitemap: %s/sitemap.xml\n",
          w->base_url);
}

void page_css(const web *w, const web_req *rq, web_page *pg)
{
        (void)w;
        (void)rq;
        pg->kind = WEB_CSS;
        ps_dynbuf_add(&pg->out.b, web_asset_style_css, web_asset_style_css_len);
}

void page_icon(const web *w, const web_req *rq, web_page *pg)
{
        (void)w;
        (void)rq;
        pg->kind = WEB_SVG;
        ps_dynbuf_add(&pg->out.b, web_asset_icon_svg, web_asset_icon_svg_len);
}

void page_healthz(const web *w, const web_req *rq, web_page *pg)
{
        (void)rq;
        pg->kind = WEB_TEXT;
        pg->no_store = true;
        H(&pg->out, "ok %s\n", ps_db_date(w->db));
}
