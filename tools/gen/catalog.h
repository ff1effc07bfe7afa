// The small, fixed value sets the generator draws from (campaigns, pages,
// cities, ...). They are program-lifetime statics so events and profiles can
// hold std::string_view into them with no allocation per event.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "rng.h"

namespace scorec::gen {

struct Weighted {
  std::string_view value;
  double weight;
};

// A weighted categorical choice by linear scan of cumulative weights: the
// tables are tiny, and the scan uses only IEEE comparisons, so it is exact and
// platform-independent.
class Choice {
 public:
  Choice(std::initializer_list<Weighted> items);
  explicit Choice(std::vector<Weighted> items);

  size_t pick_index(Rng& rng) const { return index_for(rng.uniform()); }
  std::string_view pick(Rng& rng) const { return items_[pick_index(rng)].value; }
  size_t index_for(double u01) const;  // u01 in [0, 1)

  size_t size() const { return items_.size(); }
  std::string_view operator[](size_t i) const { return items_[i].value; }

 private:
  std::vector<Weighted> items_;
  std::vector<double> cumulative_;  // cumulative_[i] = sum of weights 0..i
};

struct City {
  std::string_view name;
  std::string_view country;   // ISO 3166-1 alpha-2
  std::string_view currency;  // ISO 4217, used for the user's purchases
};

namespace catalog {

const Choice& campaigns();       // email and push campaign names
const Choice& click_urls();      // landing pages linked from emails
const Choice& pages();           // site paths
const Choice& forms();
const Choice& content_categories();
const Choice& plans();           // for ordinary users
const Choice& plans_engaged();   // for the most active users (more paid)
const Choice& industries();      // excludes the ~10% null, handled by caller
const Choice& job_titles();
const Choice& cities();          // names; details via city(i)
const City& city(size_t index);
const std::vector<std::string_view>& tags();

// Content items "c0001".. with a fixed category each, so a content_id always
// carries the same category in every event.
size_t content_count();
std::string_view content_id(size_t index);
std::string_view content_category(size_t index);

}  // namespace catalog
}  // namespace scorec::gen
