#include "handwritten.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "ir/semantics.h"

namespace scorec::bench {

#define SCOREC_S2_PASS_NAME s2_contributions
#include "handwritten_pass.inc"
#undef SCOREC_S2_PASS_NAME

namespace {

[[noreturn]] void die(const char* what, std::string_view name) {
  std::fprintf(stderr, "scorec-bench: hand-written loop: %s '%.*s' not found\n", what, static_cast<int>(name.size()),
               name.data());
  std::abort();
}

int event_code(const ir::Program& p, std::string_view name) {
  int c = p.schema.find_event(name);
  if (c < 0) die("event", name);
  return c;
}

int column(const ir::Program& p, std::string_view event, std::string_view prop) {
  const ir::PropDecl* d = p.schema.events[static_cast<size_t>(event_code(p, event))].find_prop(prop);
  if (!d) die("property", prop);
  return d->column;
}

int score_index(const ir::Program& p, std::string_view name) {
  for (size_t s = 0; s < p.scores.size(); ++s)
    if (p.scores[s].name == name) return static_cast<int>(s);
  die("score", name);
}

double string_id(const runtime::RunState& run, std::string_view s) {
  int64_t id = run.strings.find(s);
  // A string no event or profile carries: an id nothing equals.
  return id < 0 ? -1.0 : static_cast<double>(id);
}

constexpr double kDay = 86400;

}  // namespace

// ----- scenario 2 ------------------------------------------------------------------

Scenario2Hand::Scenario2Hand(const Dataset& d) {
  const ir::Program& p = d.program;
  const runtime::EventBatch& b = d.batch;
  k_.user = b.user.data();
  k_.type = b.type.data();
  k_.ts = b.ts.data();
  const int sec = column(p, "site_visit", "seconds");
  k_.seconds = b.columns[static_cast<size_t>(sec)].values.data();
  k_.seconds_valid = b.columns[static_cast<size_t>(sec)].valid.data();
  k_.T = d.run->as_of;
  k_.h = 30 * kDay;
  const int open = event_code(p, "email_open"), click = event_code(p, "email_click"),
            push = event_code(p, "push_click"), visit = event_code(p, "site_visit");
  if (std::max({open, click, push, visit}) >= 15) die("small event code for", "site_visit");
  k_.weight[open] = 3;
  k_.channel[open] = 1;
  k_.weight[click] = 5;
  k_.channel[click] = 1;
  k_.weight[push] = 4;
  k_.channel[push] = 2;
  k_.visit = static_cast<unsigned>(visit);
  k_.open = static_cast<unsigned>(open);
  k_.click = static_cast<unsigned>(click);
  k_.push = static_cast<unsigned>(push);
  k_.channel[visit] = 3;
  slot_of_score_.assign(p.scores.size(), 0);
  slot_of_score_[score_index(p, "engagement")] = 0;
  slot_of_score_[score_index(p, "email")] = 1;
  slot_of_score_[score_index(p, "push")] = 2;
  slot_of_score_[score_index(p, "web")] = 3;
  state_.assign(d.run->users.size() * 4, 0.0);
}

void Scenario2Hand::reset() { std::fill(state_.begin(), state_.end(), 0.0); }

void Scenario2Hand::run_plain(std::span<const uint32_t> rows) {
  const S2Cols& k = k_;
  const double T = k.T, h = k.h;
  double* st = state_.data();
  for (uint32_t r : rows) {
    const unsigned t = k.type[r];
    if (t == runtime::kUnknownEvent) continue;
    const double ts = k.ts[r];
    if (ts > T) continue;
    double w;
    unsigned ch;
    if (t == k.visit) {
      if (!k.seconds_valid[r]) continue;
      w = std::min(k.seconds[r] / 60.0, 5.0);
      ch = 3;
    } else {
      w = k.weight[t];
      ch = k.channel[t];
      if (ch == 0) continue;
    }
    const double c = w * std::exp2(-(T - ts) / h);
    double* s = st + static_cast<size_t>(k.user[r]) * 4;
    s[0] += c;
    s[ch] += c;
  }
}

void Scenario2Hand::run_two_pass(std::span<const uint32_t> rows, bool vector_exp2) {
  alignas(64) static thread_local double c[kChunk];
  alignas(64) static thread_local uint8_t ch[kChunk];
  double* st = state_.data();
  for (size_t i = 0; i < rows.size(); i += kChunk) {
    const size_t n = std::min(kChunk, rows.size() - i);
    const uint32_t first = rows[i];
    bool contiguous = true;
    for (size_t j = 0; j < n; ++j) contiguous &= rows[i + j] == first + j;
    if (!contiguous) {
      run_plain(rows.subspan(i, n));
      continue;
    }
    if (vector_exp2) s2_contributions_vexp2(k_, first, n, c, ch);
    else s2_contributions(k_, first, n, c, ch);
    const uint32_t* u = k_.user + first;
    // Events that contribute nothing have c = 0 and channel 0: adding +0.0 twice
    // changes no sum, so the scatter needs no branch.
    for (size_t j = 0; j < n; ++j) {
      double* s = st + static_cast<size_t>(u[j]) * 4;
      s[0] += c[j];
      s[ch[j]] += c[j];
    }
  }
}

// ----- heavy -----------------------------------------------------------------------

struct HeavyHand::User {
  double raw[4];  // engagement, email, commerce, content
  // engagement
  double e_open_b, e_open_u;    // +3 cap 15 per 7d
  double e_buy_b, e_buy_n;      // buying pages, limit 2 per 1d
  double e_login_b, e_login_u;  // +1 cap 5 per 7d
  double e_unsub_n, e_optout_n, e_bigorder_n, e_nl_n, e_sales_n;  // once
  // email
  double m_open_b, m_open_u;    // +2 cap 10 per 7d
  double m_promo_b, m_promo_u;  // +3 cap 12 per 30d
  double m_unsub_n, m_nl_n;     // once
  // commerce
  double c_amt_b, c_amt_u;          // amount * 0.05 cap 100 per 30d
  double c_pricing_b, c_pricing_n;  // limit 3 per 1d
  double c_trial_n;                 // once
  // content
  double t_docs_b, t_docs_u;    // cap 10 per 7d
  double t_blog_b, t_blog_n;    // limit 1 per 7d
  double t_click_b, t_click_u;  // cap 5 per 30d
  // aggregates
  double last_login;  // -inf: none
  double click_30d, purchase_90d, amount_90d, cv_30d, cv_sec_sum_30d, cv_sec_n_30d;
};

struct HeavyHand::Codes {
  int open, click, bounce, unsub, push, optout, visit, content, purchase, login, nl, form;
  const double *open_campaign, *click_campaign, *push_campaign, *page, *visit_sec, *category, *cv_sec, *amount,
      *currency, *items, *form_name;
  const uint8_t *open_campaign_ok, *click_campaign_ok, *push_campaign_ok, *page_ok, *visit_sec_ok, *category_ok,
      *cv_sec_ok, *amount_ok, *currency_ok, *items_ok, *form_ok;
  const double *plan, *signed_up, *industry, *company_size, *country, *newsletter;
  const uint8_t *plan_ok, *signed_up_ok, *industry_ok, *company_size_ok, *country_ok, *newsletter_ok;
  // String ids.
  double paid, free_, trial, black_friday, spring, summer, weekly_digest, onboarding, home, pricing, demo, case_studies,
      contact, docs, docs_api, account, signup, blog, blog_ls101, case_study, tutorial, video, news, opinion, software,
      retail, finance, usd, eur, gbp, us, demo_request, contact_sales, trial_signup;
};

HeavyHand::HeavyHand(const Dataset& d) : d_(d) {
  const ir::Program& p = d.program;
  const runtime::EventBatch& b = d.batch;
  const runtime::RunState& run = *d.run;
  auto c = std::make_shared<Codes>();
  c->open = event_code(p, "email_open");
  c->click = event_code(p, "email_click");
  c->bounce = event_code(p, "email_bounce");
  c->unsub = event_code(p, "email_unsubscribe");
  c->push = event_code(p, "push_click");
  c->optout = event_code(p, "push_opt_out");
  c->visit = event_code(p, "site_visit");
  c->content = event_code(p, "content_viewed");
  c->purchase = event_code(p, "purchase");
  c->login = event_code(p, "login");
  c->nl = event_code(p, "newsletter_signup");
  c->form = event_code(p, "form_submit");
  auto col = [&](const char* ev, const char* prop, const double*& v, const uint8_t*& ok) {
    const runtime::Column& cc = b.columns[static_cast<size_t>(column(p, ev, prop))];
    v = cc.values.data();
    ok = cc.valid.data();
  };
  col("email_open", "campaign", c->open_campaign, c->open_campaign_ok);
  col("email_click", "campaign", c->click_campaign, c->click_campaign_ok);
  col("push_click", "campaign", c->push_campaign, c->push_campaign_ok);
  col("site_visit", "page", c->page, c->page_ok);
  col("site_visit", "seconds", c->visit_sec, c->visit_sec_ok);
  col("content_viewed", "category", c->category, c->category_ok);
  col("content_viewed", "seconds", c->cv_sec, c->cv_sec_ok);
  col("purchase", "amount", c->amount, c->amount_ok);
  col("purchase", "currency", c->currency, c->currency_ok);
  col("purchase", "items", c->items, c->items_ok);
  col("form_submit", "form", c->form_name, c->form_ok);
  auto attr = [&](const char* name, const double*& v, const uint8_t*& ok) {
    int a = p.schema.find_attr(name);
    if (a < 0) die("profile attribute", name);
    v = run.profiles.column(static_cast<size_t>(a)).values.data();
    ok = run.profiles.column(static_cast<size_t>(a)).valid.data();
  };
  attr("plan", c->plan, c->plan_ok);
  attr("signed_up", c->signed_up, c->signed_up_ok);
  attr("industry", c->industry, c->industry_ok);
  attr("company_size", c->company_size, c->company_size_ok);
  attr("country", c->country, c->country_ok);
  attr("newsletter", c->newsletter, c->newsletter_ok);
  auto s = [&](const char* text) { return string_id(run, text); };
  c->paid = s("paid");
  c->free_ = s("free");
  c->trial = s("trial");
  c->black_friday = s("black_friday");
  c->spring = s("spring");
  c->summer = s("summer");
  c->weekly_digest = s("weekly_digest");
  c->onboarding = s("onboarding");
  c->home = s("/");
  c->pricing = s("/pricing");
  c->demo = s("/demo");
  c->case_studies = s("/case-studies");
  c->contact = s("/contact");
  c->docs = s("/docs");
  c->docs_api = s("/docs/api");
  c->account = s("/account");
  c->signup = s("/signup");
  c->blog = s("/blog");
  c->blog_ls101 = s("/blog/lead-scoring-101");
  c->case_study = s("case_study");
  c->tutorial = s("tutorial");
  c->video = s("video");
  c->news = s("news");
  c->opinion = s("opinion");
  c->software = s("software");
  c->retail = s("retail");
  c->finance = s("finance");
  c->usd = s("USD");
  c->eur = s("EUR");
  c->gbp = s("GBP");
  c->us = s("US");
  c->demo_request = s("demo_request");
  c->contact_sales = s("contact_sales");
  c->trial_signup = s("trial_signup");
  c_ = c;
  hand_of_score_.assign(p.scores.size(), 0);
  hand_of_score_[score_index(p, "engagement")] = 0;
  hand_of_score_[score_index(p, "email")] = 1;
  hand_of_score_[score_index(p, "commerce")] = 2;
  hand_of_score_[score_index(p, "content")] = 3;
  users_.resize(run.users.size());
  reset();
}

HeavyHand::~HeavyHand() = default;

void HeavyHand::reset() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  User init{};
  // Bucket slots start at NaN, which equals no bucket: the first event resets.
  init.e_open_b = init.e_buy_b = init.e_login_b = init.m_open_b = init.m_promo_b = init.c_amt_b = init.c_pricing_b =
      init.t_docs_b = init.t_blog_b = init.t_click_b = nan;
  init.last_login = -std::numeric_limits<double>::infinity();
  std::fill(users_.begin(), users_.end(), init);
}

namespace {

// Count limit: accepted when fewer than `limit` events were accepted in ts's bucket.
inline bool limit_ok(double& bucket, double& count, double ts, double period, double limit) {
  const double b = ir::bucket_of(ts, period);
  if (bucket != b) {
    bucket = b;
    count = 0;
  }
  if (count >= limit) return false;
  count += 1;
  return true;
}
inline bool once_ok(double& count) {
  if (count >= 1) return false;
  count += 1;
  return true;
}
inline double capped(double& bucket, double& used, double ts, double period, double cap, double w) {
  const double b = ir::bucket_of(ts, period);
  if (bucket != b) {
    bucket = b;
    used = 0;
  }
  return ir::cap_accept(w, cap, used);
}

}  // namespace

void HeavyHand::run_impl(std::span<const uint32_t> rows, bool vec_decay) {
  if (!vec_decay) {
    run_rows<false>(rows, nullptr, nullptr, nullptr, nullptr);
    return;
  }
  alignas(64) static thread_local double dE[kChunk], dM[kChunk], dC[kChunk], dT[kChunk];
  for (size_t i = 0; i < rows.size(); i += kChunk) {
    const size_t n = std::min(kChunk, rows.size() - i);
    const uint32_t first = rows[i];
    bool contiguous = true;
    for (size_t j = 0; j < n; ++j) contiguous &= rows[i + j] == first + j;
    if (!contiguous) {
      run_rows<false>(rows.subspan(i, n), nullptr, nullptr, nullptr, nullptr);
      continue;
    }
    heavy_decay_factors(d_.batch.ts.data() + first, n, d_.run->as_of, dE, dM, dC, dT);
    run_rows<true>(rows.subspan(i, n), dE, dM, dC, dT);
  }
}

template <bool kPre>
void HeavyHand::run_rows(std::span<const uint32_t> rows, const double* pE, const double* pM, const double* pC,
                         const double* pT) {
  const Codes& c = *c_;
  const runtime::EventBatch& b = d_.batch;
  const uint32_t* user = b.user.data();
  const uint16_t* type = b.type.data();
  const double* tss = b.ts.data();
  const double T = d_.run->as_of;
  const double e_from = T - 180 * kDay, m_from = T - 90 * kDay, c_from = T - 90 * kDay;
  const double d30 = T - 30 * kDay, d90 = T - 90 * kDay;
  const double hE = 30 * kDay, hM = 14 * kDay, lC = 90 * kDay, hT = 60 * kDay;
  User* us = users_.data();
  const int c_open = c.open, c_click = c.click, c_bounce = c.bounce, c_unsub = c.unsub, c_push = c.push,
            c_optout = c.optout, c_visit = c.visit, c_content = c.content, c_purchase = c.purchase, c_login = c.login,
            c_nl = c.nl, c_form = c.form;
  auto is = [](const uint8_t* ok, const double* v, size_t i, double id) { return ok[i] && v[i] == id; };
  for (size_t j = 0; j < rows.size(); ++j) {
    const uint32_t r = rows[j];
    const int t = type[r];
    if (t == runtime::kUnknownEvent) continue;
    const double ts = tss[r];
    if (ts > T) continue;
    const uint32_t ui = user[r];
    User& s = us[ui];
    const double age = T - ts;
    const bool inE = ts > e_from, inM = ts > m_from, inC = ts > c_from;
    if (t == c_open) {
      if (inE) {
        const double d = (kPre ? pE[j] : std::exp2(-age / hE));
        s.raw[0] += capped(s.e_open_b, s.e_open_u, ts, 7 * kDay, 15, 3) * d;
        if (c.open_campaign_ok[r]) {
          const double cm = c.open_campaign[r];
          if (cm == c.black_friday || cm == c.spring || cm == c.summer) s.raw[0] += 1 * d;
        }
      }
      if (inM) {
        const double d = (kPre ? pM[j] : std::exp2(-age / hM));
        s.raw[1] += capped(s.m_open_b, s.m_open_u, ts, 7 * kDay, 10, 2) * d;
        if (is(c.open_campaign_ok, c.open_campaign, r, c.weekly_digest)) s.raw[1] += 1 * d;
        if (c.newsletter_ok[ui] && c.newsletter[ui] != 0) s.raw[1] += 1 * d;
      }
    } else if (t == c_click) {
      if (ts > d30) s.click_30d += 1;
      if (inE) {
        const double d = (kPre ? pE[j] : std::exp2(-age / hE));
        s.raw[0] += 5 * d;
        if (is(c.plan_ok, c.plan, ui, c.paid)) s.raw[0] += 2 * d;
      }
      if (inM) {
        const double d = (kPre ? pM[j] : std::exp2(-age / hM));
        s.raw[1] += 4 * d;
        if (is(c.click_campaign_ok, c.click_campaign, r, c.onboarding)) s.raw[1] += 2 * d;
        if (c.click_campaign_ok[r]) {
          const double cm = c.click_campaign[r];
          if (cm == c.black_friday || cm == c.spring || cm == c.summer)
            s.raw[1] += capped(s.m_promo_b, s.m_promo_u, ts, 30 * kDay, 12, 3) * d;
        }
      }
      if (inC && is(c.plan_ok, c.plan, ui, c.trial)) s.raw[2] += 2 * (kPre ? pC[j] : std::max(0.0, 1.0 - age / lC));
      s.raw[3] += capped(s.t_click_b, s.t_click_u, ts, 30 * kDay, 5, 0.5) * (kPre ? pT[j] : std::exp2(-age / hT));
    } else if (t == c_bounce) {
      if (inE) s.raw[0] += -2 * (kPre ? pE[j] : std::exp2(-age / hE));
      if (inM) s.raw[1] += -5 * (kPre ? pM[j] : std::exp2(-age / hM));
    } else if (t == c_unsub) {
      if (inE && once_ok(s.e_unsub_n)) s.raw[0] += -10 * (kPre ? pE[j] : std::exp2(-age / hE));
      if (inM && once_ok(s.m_unsub_n)) s.raw[1] += -20 * (kPre ? pM[j] : std::exp2(-age / hM));
    } else if (t == c_push) {
      if (inE) s.raw[0] += 4 * (kPre ? pE[j] : std::exp2(-age / hE));
      if (inC && is(c.push_campaign_ok, c.push_campaign, r, c.black_friday))
        s.raw[2] += 3 * (kPre ? pC[j] : std::max(0.0, 1.0 - age / lC));
    } else if (t == c_optout) {
      if (inE && once_ok(s.e_optout_n)) s.raw[0] += -5 * (kPre ? pE[j] : std::exp2(-age / hE));
    } else if (t == c_visit) {
      const bool page_ok = c.page_ok[r], sec_ok = c.visit_sec_ok[r];
      const double page = c.page[r], sec = c.visit_sec[r];
      if (inE) {
        const double d = (kPre ? pE[j] : std::exp2(-age / hE));
        if (sec_ok) s.raw[0] += std::min(sec / 60, 5.0) * d;
        if (page_ok && (page == c.pricing || page == c.demo || page == c.case_studies || page == c.contact) &&
            limit_ok(s.e_buy_b, s.e_buy_n, ts, 1 * kDay, 2))
          s.raw[0] += 3 * d;
        if (page_ok && page == c.home && sec_ok && sec < 60) s.raw[0] += -1 * d;
      }
      if (inC) {
        const double d = (kPre ? pC[j] : std::max(0.0, 1.0 - age / lC));
        if (page_ok && page == c.pricing && limit_ok(s.c_pricing_b, s.c_pricing_n, ts, 1 * kDay, 3))
          s.raw[2] += 2 * d;
        if (page_ok && page == c.account) s.raw[2] += 1 * d;
        if (page_ok && page == c.signup && is(c.plan_ok, c.plan, ui, c.free_)) s.raw[2] += 4 * d;
      }
      {
        const double d = (kPre ? pT[j] : std::exp2(-age / hT));
        if (page_ok && (page == c.docs || page == c.docs_api))
          s.raw[3] += capped(s.t_docs_b, s.t_docs_u, ts, 7 * kDay, 10, 1) * d;
        if (page_ok && page == c.blog) s.raw[3] += 1 * d;
        if (page_ok && page == c.blog_ls101 && limit_ok(s.t_blog_b, s.t_blog_n, ts, 7 * kDay, 1))
          s.raw[3] += 2 * d;
      }
    } else if (t == c_content) {
      const bool cat_ok = c.category_ok[r], sec_ok = c.cv_sec_ok[r];
      const double cat = c.category[r], sec = c.cv_sec[r];
      if (ts > d30) {
        s.cv_30d += 1;
        if (sec_ok) {
          s.cv_sec_sum_30d += sec;
          s.cv_sec_n_30d += 1;
        }
      }
      if (inE) {
        const double d = (kPre ? pE[j] : std::exp2(-age / hE));
        if (sec_ok) s.raw[0] += std::min(sec / 120, 4.0) * d;
        if (cat_ok && cat == c.case_study) s.raw[0] += 2 * d;
      }
      const double d = (kPre ? pT[j] : std::exp2(-age / hT));
      if (sec_ok) s.raw[3] += std::min(sec / 300, 3.0) * d;
      if (cat_ok && cat == c.tutorial) s.raw[3] += 2 * d;
      if (cat_ok && cat == c.video) s.raw[3] += 1 * d;
      if (cat_ok && cat == c.news) s.raw[3] += 0.5 * d;
      if (cat_ok && cat == c.opinion && sec_ok && sec >= 600) s.raw[3] += 1.5 * d;
      if (is(c.industry_ok, c.industry, ui, c.software)) s.raw[3] += 1 * d;
      if (sec_ok && sec > 3600) s.raw[3] += -1 * d;
    } else if (t == c_purchase) {
      const bool amt_ok = c.amount_ok[r], cur_ok = c.currency_ok[r];
      const double amt = c.amount[r], cur = c.currency[r];
      if (ts > d90) {
        s.purchase_90d += 1;
        if (amt_ok) s.amount_90d += amt;
      }
      if (inE) {
        const double d = (kPre ? pE[j] : std::exp2(-age / hE));
        s.raw[0] += 10 * d;
        if (amt_ok && amt >= 200 && once_ok(s.e_bigorder_n)) s.raw[0] += 20 * d;
      }
      if (inC) {
        const double d = (kPre ? pC[j] : std::max(0.0, 1.0 - age / lC));
        if (amt_ok) s.raw[2] += capped(s.c_amt_b, s.c_amt_u, ts, 30 * kDay, 100, amt * 0.05) * d;
        if (c.items_ok[r] && c.items[r] >= 3) s.raw[2] += 5 * d;
        if (cur_ok && cur == c.usd && amt_ok && amt > 100) s.raw[2] += 4 * d;
        if (cur_ok && (cur == c.eur || cur == c.gbp)) s.raw[2] += 3 * d;
        if (is(c.country_ok, c.country, ui, c.us)) s.raw[2] += 1 * d;
        if (c.company_size_ok[ui] && c.company_size[ui] >= 500) s.raw[2] += 6 * d;
      }
    } else if (t == c_login) {
      s.last_login = std::max(s.last_login, ts);
      if (inE) s.raw[0] += capped(s.e_login_b, s.e_login_u, ts, 7 * kDay, 5, 1) * (kPre ? pE[j] : std::exp2(-age / hE));
      if (c.plan_ok[ui] && c.plan[ui] != c.free_) s.raw[3] += 0.5 * (kPre ? pT[j] : std::exp2(-age / hT));
    } else if (t == c_nl) {
      if (inE && once_ok(s.e_nl_n)) s.raw[0] += 5 * (kPre ? pE[j] : std::exp2(-age / hE));
      if (inM && once_ok(s.m_nl_n)) s.raw[1] += 6 * (kPre ? pM[j] : std::exp2(-age / hM));
      s.raw[3] += 3 * (kPre ? pT[j] : std::exp2(-age / hT));
    } else if (t == c_form) {
      const bool ok = c.form_ok[r];
      const double f = c.form_name[r];
      const bool sales = ok && (f == c.demo_request || f == c.contact_sales);
      if (inE) {
        const double d = (kPre ? pE[j] : std::exp2(-age / hE));
        if (sales && once_ok(s.e_sales_n)) s.raw[0] += 25 * d;
        if (ok && !sales) s.raw[0] += 8 * d;
      }
      if (inC && ok && f == c.trial_signup && once_ok(s.c_trial_n)) s.raw[2] += 10 * (kPre ? pC[j] : std::max(0.0, 1.0 - age / lC));
    }
  }
}

double HeavyHand::raw(int score, uint32_t u) const {
  const Codes& c = *c_;
  const User& s = users_[u];
  const double T = d_.run->as_of;
  const int h = hand_of_score_[score];
  double terms = 0;
  switch (h) {
    case 0: {
      if (c.plan_ok[u] && c.plan[u] == c.paid) terms += 10;
      const bool has_login = s.last_login > -std::numeric_limits<double>::infinity();
      const bool has_last = has_login || c.signed_up_ok[u];
      const double last = has_login ? s.last_login : c.signed_up[u];
      if (has_last && (T - last) / kDay >= 30) terms += -5;
      break;
    }
    case 1:
      if (c.newsletter_ok[u] && c.newsletter[u] != 0) terms += 3;
      if (s.click_30d >= 5) terms += 5;
      break;
    case 2:
      if (s.amount_90d >= 500) terms += 15;
      if (s.purchase_90d >= 3) terms += 10;
      if (c.industry_ok[u] && (c.industry[u] == c.retail || c.industry[u] == c.finance)) terms += 5;
      break;
    case 3:
      if (s.cv_sec_n_30d > 0 && s.cv_sec_sum_30d / s.cv_sec_n_30d >= 900) terms += 5;
      if (s.cv_30d >= 10) terms += 5;
      break;
  }
  return s.raw[h] + terms;
}

}  // namespace scorec::bench
