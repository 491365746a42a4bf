// Safe access to a result, its cases, escaping, number formatting, scales and the colour scale.
#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "dorsum/report.hpp"
#include "report/report_internal.hpp"

namespace dorsum {

std::string activationColor(double activation) {
  if (std::isnan(activation)) return "#999999";
  // ColorBrewer YlOrRd, 9 classes (Harrower and Brewer 2003): every channel but the last blue
  // step falls, so the relative luminance falls monotonically along the scale.
  static constexpr std::array<std::array<int, 3>, 9> kStops = {{{255, 255, 204},
                                                                {255, 237, 160},
                                                                {254, 217, 118},
                                                                {254, 178, 76},
                                                                {253, 141, 60},
                                                                {252, 78, 42},
                                                                {227, 26, 28},
                                                                {189, 0, 38},
                                                                {128, 0, 38}}};
  const double t = std::clamp(activation, 0.0, 1.0) * (kStops.size() - 1);
  const size_t i = std::min(static_cast<size_t>(t), kStops.size() - 2);
  const double f = t - static_cast<double>(i);
  std::array<int, 3> c{};
  for (int k = 0; k < 3; ++k)
    c[k] = static_cast<int>(std::lround(kStops[i][k] + f * (kStops[i + 1][k] - kStops[i][k])));
  return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
}

}  // namespace dorsum

namespace dorsum::report {

const Json* findObject(const Json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? &*it : nullptr;
}

const Json* findArray(const Json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? &*it : nullptr;
}

std::optional<double> findNumber(const Json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::string findString(const Json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<Point> toPoint(const Json& j) {
  if (!j.is_array() || j.size() != 3) return std::nullopt;
  Point p{};
  for (size_t k = 0; k < 3; ++k) {
    if (!j[k].is_number()) return std::nullopt;
    p[k] = j[k].get<double>();
    if (!std::isfinite(p[k])) return std::nullopt;
  }
  return p;
}

namespace {

bool hasCaseKeys(const Json& j) {
  for (const char* key : {"muscles", "fascicles", "joints", "disc_pressure_MPa", "assessment",
                          "geometry", "posture", "niosh", "reserves", "warnings", "conditions",
                          "strain", "fatigue", "intra_abdominal_pressure"})
    if (j.is_object() && j.contains(key)) return true;
  return false;
}

}  // namespace

std::vector<Case> collectCases(const Json& result) {
  std::vector<Case> cases;
  const Json* variants = findArray(result, "variants");
  const bool has_variants = variants && !variants->empty();
  if (hasCaseKeys(result)) {
    const std::string label = findString(result, "label");
    cases.push_back({"base", has_variants ? (label.empty() ? "Base case" : label) : "", &result});
  }
  if (variants) {
    int n = 0;
    for (const Json& v : *variants) {
      ++n;
      if (!v.is_object()) continue;
      std::string label = findString(v, "label");
      if (label.empty()) label = fmt::format("variant {}", n);
      cases.push_back({label, label, &v});
    }
  }
  return cases;
}

std::string escapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string formatThousands(double value) {
  if (!std::isfinite(value)) return "n/a";
  const long long n = std::llround(value);
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out(n < 0 ? "\u2212" : "");  // a true minus sign
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string levelName(const std::string& joint) {
  std::string s = joint;
  std::replace(s.begin(), s.end(), '_', '/');
  return s;
}

std::string humanName(const std::string& name) {
  std::string s = name;
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string svgNumber(double value) {
  const std::string s = fmt::format("{:.2f}", value);
  return s == "-0.00" ? "0.00" : s;
}

std::vector<double> niceTicks(double lo, double hi, int count) {
  std::vector<double> ticks;
  if (!(hi > lo) || count < 1) return ticks;
  const double raw = (hi - lo) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step)
    ticks.push_back(std::abs(v) < 1e-9 * step ? 0.0 : v);
  return ticks;
}

Limits limitsOf(const Json& case_result) {
  Limits l;
  if (const Json* a = findObject(case_result, "assessment")) {
    if (const Json* c = findObject(*a, "compression")) {
      l.action_N = findNumber(*c, "action_limit_N").value_or(l.action_N);
      l.maximum_N = findNumber(*c, "maximum_N").value_or(l.maximum_N);
    }
    if (const Json* s = findObject(*a, "shear")) {
      l.frequent_N = findNumber(*s, "frequent_limit_N").value_or(l.frequent_N);
      l.occasional_N = findNumber(*s, "occasional_limit_N").value_or(l.occasional_N);
    }
  }
  return l;
}

}  // namespace dorsum::report
