#include "catalog.h"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace scorec::gen {

Choice::Choice(std::initializer_list<Weighted> items) : Choice(std::vector<Weighted>(items)) {}

Choice::Choice(std::vector<Weighted> items) : items_(std::move(items)) {
  double sum = 0;
  for (const auto& w : items_) {
    if (!(w.weight >= 0)) throw std::invalid_argument("catalog weight must be >= 0");
    sum += w.weight;
    cumulative_.push_back(sum);
  }
  if (items_.empty() || !(sum > 0)) throw std::invalid_argument("catalog needs a positive total weight");
}

size_t Choice::index_for(double u01) const {
  const double target = u01 * cumulative_.back();
  for (size_t i = 0; i + 1 < cumulative_.size(); ++i)
    if (target < cumulative_[i]) return i;
  return cumulative_.size() - 1;  // also absorbs rounding at the top end
}

namespace catalog {

const Choice& campaigns() {
  static const Choice c{{"spring", 14},        {"summer", 12},      {"back_to_school", 7}, {"black_friday", 13},
                        {"onboarding", 16},    {"product_update", 12}, {"webinar", 8},     {"winback", 6},
                        {"weekly_digest", 12}};
  return c;
}

const Choice& click_urls() {
  static const Choice c{{"https://example.com/pricing", 22},
                        {"https://example.com/features", 16},
                        {"https://example.com/blog/lead-scoring-101", 12},
                        {"https://example.com/webinar/register", 8},
                        {"https://example.com/signup", 10},
                        {"https://example.com/case-studies", 7},
                        {"https://example.com/docs/getting-started", 9},
                        {"https://example.com/sale", 11},
                        {"https://example.com/account/upgrade", 5}};
  return c;
}

const Choice& pages() {
  static const Choice c{{"/", 24},           {"/pricing", 12}, {"/features", 10}, {"/blog", 11},
                        {"/blog/lead-scoring-101", 6},          {"/docs", 8},      {"/docs/api", 4},
                        {"/signup", 5},      {"/login", 7},    {"/contact", 3},   {"/case-studies", 4},
                        {"/demo", 3},        {"/careers", 2},  {"/account", 1}};
  return c;
}

const Choice& forms() {
  static const Choice c{{"contact_sales", 20}, {"demo_request", 18}, {"webinar_registration", 22},
                        {"ebook_download", 28}, {"trial_signup", 12}};
  return c;
}

const Choice& content_categories() {
  static const Choice c{{"tutorial", 1}, {"news", 1},  {"product", 1},
                        {"case_study", 1}, {"opinion", 1}, {"video", 1}};
  return c;
}

const Choice& plans() {
  static const Choice c{{"free", 63}, {"trial", 25}, {"paid", 12}};
  return c;
}

const Choice& plans_engaged() {
  static const Choice c{{"free", 40}, {"trial", 25}, {"paid", 35}};
  return c;
}

const Choice& industries() {
  static const Choice c{{"software", 24}, {"finance", 16}, {"retail", 15},
                        {"healthcare", 13}, {"education", 12}, {"manufacturing", 10}};
  return c;
}

const Choice& job_titles() {
  static const Choice c{{"CEO", 4},
                        {"CTO", 4},
                        {"VP Marketing", 6},
                        {"Marketing Manager", 14},
                        {"Marketing Ops Specialist", 9},
                        {"Head of Growth", 5},
                        {"Sales Director", 6},
                        {"Product Manager", 10},
                        {"Software Engineer", 16},
                        {"Data Analyst", 10},
                        {"Consultant", 8},
                        {"Student", 8}};
  return c;
}

namespace {
struct CityRow {
  City city;
  double weight;
};
// Real currencies per country so purchase.currency agrees with the profile.
constexpr std::array<CityRow, 12> kCities{{
    {{"New York", "US", "USD"}, 14},
    {{"San Francisco", "US", "USD"}, 10},
    {{"Chicago", "US", "USD"}, 7},
    {{"Austin", "US", "USD"}, 5},
    {{"London", "GB", "GBP"}, 12},
    {{"Berlin", "DE", "EUR"}, 9},
    {{"Paris", "FR", "EUR"}, 8},
    {{"Amsterdam", "NL", "EUR"}, 5},
    {{"Madrid", "ES", "EUR"}, 5},
    {{"Toronto", "CA", "CAD"}, 8},
    {{"Sydney", "AU", "AUD"}, 9},
    {{"Singapore", "SG", "SGD"}, 8},
}};
}  // namespace

const Choice& cities() {
  static const Choice c = [] {
    std::vector<Weighted> w;
    for (const auto& row : kCities) w.push_back({row.city.name, row.weight});
    return Choice(std::move(w));
  }();
  return c;
}

const City& city(size_t index) { return kCities.at(index).city; }

const std::vector<std::string_view>& tags() {
  static const std::vector<std::string_view> t{"vip", "beta", "partner", "churn_risk"};
  return t;
}

namespace {
struct ContentTable {
  std::vector<std::string> ids;
  std::vector<size_t> category;
};

const ContentTable& content() {
  static const ContentTable table = [] {
    constexpr size_t kItems = 400;
    ContentTable t;
    const Choice& cats = content_categories();
    for (size_t i = 0; i < kItems; ++i) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "c%04zu", i + 1);
      t.ids.emplace_back(buf);
      // A fixed hash (not the run's seed): an item's category is a property of
      // the catalog, identical in every generated data set.
      t.category.push_back(static_cast<size_t>(hash64(0xC0A7E47ULL, i) % cats.size()));
    }
    return t;
  }();
  return table;
}
}  // namespace

size_t content_count() { return content().ids.size(); }
std::string_view content_id(size_t index) { return content().ids.at(index); }
std::string_view content_category(size_t index) { return content_categories()[content().category.at(index)]; }

}  // namespace catalog
}  // namespace scorec::gen
