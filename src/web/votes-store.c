/* SPDX-License-Identifier: MIT */
/* The vote store's rules and its writer: votes queue up, one writer thread
 * applies everything queued in one transaction (group commit) and only then
 * tells each caller its vote is stored. The SQL lives in the backends. */
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"
#include "votes-backend.h"

#define SECONDS_PER_DAY 86400

struct votes_op {
        struct votes_op *next;
        int64_t day;
        bool expire_only;
        vote_value value;
        char page[VOTES_PAGE_MAX + 1];
        char lang[VOTES_LANG_MAX + 1];
        uint8_t visitor[VOTES_VISITOR_MAX];
        size_t visitor_len;
        votes_done_fn done;
        void *userdata;
        bool replaced;
};

struct votes_store {
        const struct votes_backend *ops;
        void *be;

        pthread_mutex_t lock; /* the queue, stopping and last_error */
        pthread_cond_t work;
        struct votes_op *head, *tail;
        bool stopping;
        pthread_t writer;
        char last_error[VOTES_ERROR_MAX];

        pthread_mutex_t read_lock; /* the backend's reader connection */

        /* Owned by the writer thread. */
        int64_t secret_day;
        uint8_t secret[VOTES_SECRET_LEN];
        int64_t expired_day;
        bool reopen; /* the last batch met a read-only file */
};

static const char *const value_names[VOTE_VALUE_COUNT] = {
        [VOTE_UNHELPFUL] = "unhelpful",
        [VOTE_NEUTRAL] = "neutral",
        [VOTE_HELPFUL] = "helpful",
};

const char *vote_value_name(vote_value v)
{
        return (unsigned)v < VOTE_VALUE_COUNT ? value_names[v] : NULL;
}

int vote_value_from_name(const char *name, vote_value *ret)
{
        for (unsigned i = 0; i < VOTE_VALUE_COUNT; i++)
                if (name && !strcmp(name, value_names[i])) {
                        *ret = (vote_value)i;
                        return 0;
                }
        return -EINVAL;
}

static bool is_pg_url(const char *location)
{
        return !strncmp(location, "postgresql://", 13) || !strncmp(location, "postgres://", 11);
}

/* A page is a site path of letters, digits and "/._~-": nothing that
 * needs quoting in CSV, HTML or a log line. */
static bool page_ok(const char *p)
{
        size_t n = p ? strlen(p) : 0;
        if (n < 2 || n > VOTES_PAGE_MAX || p[0] != '/')
                return false;
        for (; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9') || strchr("/._~-", *p)))
                        return false;
        return true;
}

static bool lang_ok(const char *l)
{
        size_t n = l ? strlen(l) : 0;
        if (n < 2 || n > VOTES_LANG_MAX)
                return false;
        for (; *l; l++)
                if (!((*l >= 'a' && *l <= 'z') || (*l >= 'A' && *l <= 'Z') ||
                      (*l >= '0' && *l <= '9') || *l == '-'))
                        return false;
        return true;
}

int votes_check(const struct vote *v)
{
        if (!v || !page_ok(v->page) || !lang_ok(v->lang) || (unsigned)v->value >= VOTE_VALUE_COUNT)
                return -EINVAL;
        if (!v->visitor || v->visitor_len == 0 || v->visitor_len > VOTES_VISITOR_MAX)
                return -EINVAL;
        if (v->now < 0)
                return -EINVAL;
        return 0;
}

const char *votes_strerror(int code)
{
        switch (code) {
        case -ENOSPC:
                return N_("the disk is full");
        case -EROFS:
                return N_("the store is read-only");
        case -EACCES:
                return N_("permission denied");
        case -EBADMSG:
                return N_("not a vote store, or a corrupted one");
        case -EPROTONOSUPPORT:
                return N_("written by a newer portscope");
        case -ENOTCONN:
                return N_("PostgreSQL cannot be reached");
        case -EBUSY:
                return N_("another program held the store too long");
        case -ENOENT:
                return N_("no vote store there");
        case -EINVAL:
                return N_("not a valid vote or location");
        case -ENOMEM:
                return N_("out of memory");
        case -ESHUTDOWN:
                return N_("the store is closing");
        default:
                return N_("the database failed");
        }
}

void votes_location_redacted(const char *location, char *buf, size_t size)
{
        snprintf(buf, size, "%s", location);
        if (!is_pg_url(buf))
                return;
        /* postgresql://user:secret@host/...: the secret becomes "***". */
        char *auth = strstr(buf, "://") + 3, *at = strchr(auth, '@'), *slash = strchr(auth, '/');
        char *colon = strchr(auth, ':');
        if (at && (!slash || at < slash) && colon && colon < at) {
                memmove(colon + 4, at, strlen(at) + 1);
                memcpy(colon + 1, "***", 3);
        }
        /* ...?password=secret&... */
        for (char *p = buf; (p = strstr(p, "password=")); p += 9) {
                if (p > buf && p[-1] != '?' && p[-1] != '&')
                        continue;
                char *end = p + 9 + strcspn(p + 9, "&");
                if ((size_t)(end - p - 9) >= 3) {
                        memcpy(p + 9, "***", 3);
                        memmove(p + 12, end, strlen(end) + 1);
                }
        }
}

const char *votes_backend(const votes_store *s)
{
        return s->ops->name;
}

int votes_default_location(char **ret_path)
{
        const char *dir = getenv("STATE_DIRECTORY"), *xdg = getenv("XDG_STATE_HOME");
        const char *home = getenv("HOME");
        char *p = NULL;
        int n;

        /* systemd may pass several directories separated by ':'; ours is the first. */
        if (dir && *dir == '/')
                n = asprintf(&p, "%.*s/votes.db", (int)strcspn(dir, ":"), dir);
        else if (xdg && *xdg == '/')
                n = asprintf(&p, "%s/portscope/votes.db", xdg);
        else if (home && *home == '/')
                n = asprintf(&p, "%s/.local/state/portscope/votes.db", home);
        else
                return -ENOENT;
        if (n < 0)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

static void set_error(votes_store *s, const char *detail)
{
        pthread_mutex_lock(&s->lock);
        snprintf(s->last_error, sizeof(s->last_error), "%s", detail ? detail : "");
        pthread_mutex_unlock(&s->lock);
}

void votes_last_error(votes_store *s, char *buf, size_t size)
{
        pthread_mutex_lock(&s->lock);
        snprintf(buf, size, "%s", s->last_error);
        pthread_mutex_unlock(&s->lock);
}

/* The visitor's hash: HMAC-SHA256 under the day's secret of the page and the
 * visitor, so the same visitor on two pages gives two unrelated hashes. */
static int visitor_hash(const uint8_t secret[VOTES_SECRET_LEN], const struct votes_op *op,
                        uint8_t ret_hash[VOTES_HASH_LEN])
{
        uint8_t msg[VOTES_PAGE_MAX + 1 + VOTES_VISITOR_MAX];
        size_t plen = strlen(op->page) + 1;
        unsigned len = 0;

        memcpy(msg, op->page, plen);
        memcpy(msg + plen, op->visitor, op->visitor_len);
        if (!HMAC(EVP_sha256(), secret, VOTES_SECRET_LEN, msg, plen + op->visitor_len, ret_hash,
                  &len) ||
            len != VOTES_HASH_LEN)
                return -EIO;
        return 0;
}

/* One vote inside the open transaction. */
static int apply_vote(votes_store *s, const uint8_t secret[VOTES_SECRET_LEN], struct votes_op *op)
{
        const struct votes_backend *b = s->ops;
        uint8_t hash[VOTES_HASH_LEN];
        char old_lang[VOTES_LANG_MAX + 1];
        int delta[VOTE_VALUE_COUNT] = { 0 }, old_value, r;
        bool added;

        if ((r = visitor_hash(secret, op, hash)) < 0)
                return r;
        if ((r = b->ballot_add(s->be, op->day, hash, op->lang, op->value, &added)) < 0)
                return r;
        op->replaced = !added;
        if (added) {
                delta[op->value] = 1;
                return b->tally_add(s->be, op->page, op->lang, delta);
        }
        if ((r = b->ballot_get(s->be, op->day, hash, old_lang, &old_value)) < 0)
                return r;
        if (old_value == (int)op->value && !strcmp(old_lang, op->lang))
                return 0;
        if ((r = b->ballot_set(s->be, op->day, hash, op->lang, op->value)) < 0)
                return r;
        if ((unsigned)old_value < VOTE_VALUE_COUNT) {
                delta[old_value] = -1;
                if ((r = b->tally_add(s->be, op->page, old_lang, delta)) < 0)
                        return r;
                delta[old_value] = 0;
        }
        delta[op->value] = 1;
        return b->tally_add(s->be, op->page, op->lang, delta);
}

static int apply_ops(votes_store *s, int64_t day, struct votes_op *batch,
                     uint8_t ret_secret[VOTES_SECRET_LEN])
{
        const struct votes_backend *b = s->ops;
        int r;

        if (s->expired_day < day && (r = b->expire(s->be, day)) < 0)
                return r;
        if (s->secret_day == day) {
                memcpy(ret_secret, s->secret, VOTES_SECRET_LEN);
        } else {
                uint8_t fresh[VOTES_SECRET_LEN];
                if (RAND_bytes(fresh, sizeof(fresh)) != 1)
                        return -EIO;
                r = b->secret(s->be, day, fresh, ret_secret);
                OPENSSL_cleanse(fresh, sizeof(fresh));
                if (r < 0)
                        return r;
        }
        for (struct votes_op *op = batch; op; op = op->next)
                if (!op->expire_only && (r = apply_vote(s, ret_secret, op)) < 0)
                        return r;
        return 0;
}

/* The transaction for one batch; serialization failures (PostgreSQL with
 * several servers) are retried, as nothing of the batch was stored. */
static int apply_batch(votes_store *s, int64_t day, struct votes_op *batch)
{
        uint8_t secret[VOTES_SECRET_LEN];
        int r = -EDEADLK;

        if (s->reopen && s->ops->reopen) {
                pthread_mutex_lock(&s->read_lock);
                r = s->ops->reopen(s->be);
                pthread_mutex_unlock(&s->read_lock);
                if (r < 0) {
                        set_error(s, s->ops->error(s->be));
                        return r;
                }
                r = -EDEADLK;
        }
        for (int attempt = 0; attempt < 3 && r == -EDEADLK; attempt++) {
                if ((r = s->ops->begin(s->be)) < 0)
                        break;
                r = apply_ops(s, day, batch, secret);
                if (r >= 0)
                        r = s->ops->commit(s->be);
                else
                        s->ops->rollback(s->be);
        }
        s->reopen = r == -EROFS || r == -EACCES;
        if (r < 0) {
                set_error(s, s->ops->error(s->be));
                return r;
        }
        s->expired_day = day;
        s->secret_day = day;
        memcpy(s->secret, secret, VOTES_SECRET_LEN);
        OPENSSL_cleanse(secret, sizeof(secret));
        return 0;
}

static void *writer_main(void *arg)
{
        votes_store *s = arg;

        pthread_mutex_lock(&s->lock);
        for (;;) {
                while (!s->head && !s->stopping)
                        pthread_cond_wait(&s->work, &s->lock);
                if (!s->head)
                        break;
                /* Everything queued for the same day, up to the batch cap. */
                struct votes_op *batch = s->head, *last = batch;
                size_t n = 1;
                while (last->next && last->next->day == batch->day && n < VOTES_BATCH_MAX) {
                        last = last->next;
                        n++;
                }
                s->head = last->next;
                if (!s->head)
                        s->tail = NULL;
                last->next = NULL;
                pthread_mutex_unlock(&s->lock);

                int r = apply_batch(s, batch->day, batch);
                while (batch) {
                        struct votes_op *next = batch->next;
                        if (batch->done)
                                batch->done(batch->userdata, r, batch->replaced);
                        free(batch);
                        batch = next;
                }
                pthread_mutex_lock(&s->lock);
        }
        pthread_mutex_unlock(&s->lock);
        return NULL;
}

static int enqueue(votes_store *s, struct votes_op *op)
{
        pthread_mutex_lock(&s->lock);
        if (s->stopping) {
                pthread_mutex_unlock(&s->lock);
                free(op);
                return -ESHUTDOWN;
        }
        if (s->tail)
                s->tail->next = op;
        else
                s->head = op;
        s->tail = op;
        pthread_cond_signal(&s->work);
        pthread_mutex_unlock(&s->lock);
        return 0;
}

int votes_cast_async(votes_store *s, const struct vote *v, votes_done_fn done, void *userdata)
{
        struct votes_op *op;
        int r;

        if ((r = votes_check(v)) < 0)
                return r;
        if (!(op = calloc(1, sizeof(*op))))
                return -ENOMEM;
        op->day = v->now / SECONDS_PER_DAY;
        op->value = v->value;
        strcpy(op->page, v->page);
        strcpy(op->lang, v->lang);
        memcpy(op->visitor, v->visitor, v->visitor_len);
        op->visitor_len = v->visitor_len;
        op->done = done;
        op->userdata = userdata;
        return enqueue(s, op);
}

struct waiter {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        bool finished, replaced;
        int result;
};

static void waiter_done(void *userdata, int result, bool replaced)
{
        struct waiter *w = userdata;
        pthread_mutex_lock(&w->lock);
        w->finished = true;
        w->result = result;
        w->replaced = replaced;
        pthread_cond_signal(&w->cond);
        pthread_mutex_unlock(&w->lock);
}

static int wait_for(struct waiter *w, bool *ret_replaced)
{
        pthread_mutex_lock(&w->lock);
        while (!w->finished)
                pthread_cond_wait(&w->cond, &w->lock);
        pthread_mutex_unlock(&w->lock);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
        if (w->result >= 0 && ret_replaced)
                *ret_replaced = w->replaced;
        return w->result;
}

int votes_cast(votes_store *s, const struct vote *v, bool *ret_replaced)
{
        struct waiter w = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
        int r = votes_cast_async(s, v, waiter_done, &w);
        if (r < 0)
                return r;
        return wait_for(&w, ret_replaced);
}

int votes_expire(votes_store *s, time_t now)
{
        struct waiter w = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
        struct votes_op *op;
        int r;

        if (now < 0)
                return -EINVAL;
        if (!(op = calloc(1, sizeof(*op))))
                return -ENOMEM;
        op->day = now / SECONDS_PER_DAY;
        op->expire_only = true;
        op->done = waiter_done;
        op->userdata = &w;
        if ((r = enqueue(s, op)) < 0)
                return r;
        return wait_for(&w, NULL);
}

int votes_tally_push(struct votes_tally **tallies, size_t *n, size_t *cap,
                     struct votes_tally **ret_new)
{
        if (*n == *cap) {
                size_t c = *cap ? *cap * 2 : 16;
                struct votes_tally *t = reallocarray(*tallies, c, sizeof(*t));
                if (!t)
                        return -ENOMEM;
                *tallies = t;
                *cap = c;
        }
        *ret_new = &(*tallies)[(*n)++];
        memset(*ret_new, 0, sizeof(**ret_new));
        return 0;
}

static int tally_cmp(const void *a, const void *b)
{
        const struct votes_tally *x = a, *y = b;
        int c = strverscmp(x->page, y->page);
        return c ? c : strcmp(x->lang, y->lang);
}

int votes_tallies(votes_store *s, const char *page, struct votes_tally **ret_tallies, size_t *ret_n)
{
        struct votes_tally *t = NULL;
        size_t n = 0;
        int r;

        if (page && !page_ok(page))
                return -EINVAL;
        pthread_mutex_lock(&s->read_lock);
        r = s->ops->tallies(s->be, page, &t, &n);
        if (r < 0)
                set_error(s, s->ops->error(s->be));
        pthread_mutex_unlock(&s->read_lock);
        if (r < 0)
                return r;
        ps_qsort(t, n, sizeof(*t), tally_cmp);
        *ret_tallies = t;
        *ret_n = n;
        return 0;
}

int votes_hash_count(votes_store *s, uint64_t *ret_n)
{
        pthread_mutex_lock(&s->read_lock);
        int r = s->ops->hash_count(s->be, ret_n);
        if (r < 0)
                set_error(s, s->ops->error(s->be));
        pthread_mutex_unlock(&s->read_lock);
        return r;
}

int votes_open(const char *location, unsigned flags, char *ret_error, size_t error_size,
               votes_store **ret_store)
{
        char detail[VOTES_ERROR_MAX] = "";
        votes_store *s;
        int r;

        if (!location || !*location)
                return -EINVAL;
        if (!(s = calloc(1, sizeof(*s))))
                return -ENOMEM;
        s->ops = is_pg_url(location) ? &votes_backend_pg : &votes_backend_sqlite;
        s->secret_day = -1;
        s->expired_day = -1;
        r = s->ops->open(location, flags, detail, sizeof(detail), &s->be);
        if (r < 0) {
                if (ret_error)
                        snprintf(ret_error, error_size, "%s", detail);
                free(s);
                return r;
        }
        pthread_mutex_init(&s->lock, NULL);
        pthread_mutex_init(&s->read_lock, NULL);
        pthread_cond_init(&s->work, NULL);
        r = -pthread_create(&s->writer, NULL, writer_main, s);
        if (r < 0) {
                s->ops->close(s->be);
                free(s);
                return r;
        }
        *ret_store = s;
        return 0;
}

void votes_close(votes_store *s)
{
        if (!s)
                return;
        /* The writer finishes what is queued before it stops. */
        pthread_mutex_lock(&s->lock);
        s->stopping = true;
        pthread_cond_signal(&s->work);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->writer, NULL);
        s->ops->close(s->be);
        OPENSSL_cleanse(s->secret, sizeof(s->secret));
        pthread_mutex_destroy(&s->lock);
        pthread_mutex_destroy(&s->read_lock);
        pthread_cond_destroy(&s->work);
        free(s);
}
