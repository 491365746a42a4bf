// Shared pieces of the report writers (src/report/): safe access to a result that may lack any
// key, the cases (base and variants) of a result, escaping and number formatting, and the
// linear scales of the figures.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dorsum::report {

using Json = nlohmann::ordered_json;
using Point = std::array<double, 3>;  // x, y, z in the world (ISB axes), m

// Look-ups that never throw: nullptr, nullopt or "" when the key is missing or of another type.
const Json* findObject(const Json& j, const char* key);
const Json* findArray(const Json& j, const char* key);
std::optional<double> findNumber(const Json& j, const char* key);  // finite numbers only
std::string findString(const Json& j, const char* key);
std::optional<Point> toPoint(const Json& j);  // [x, y, z], all finite

// One case of a result: the base case (keys at top level) or one variant.
struct Case {
  std::string label;    // "base" or the variant's label
  std::string display;  // how the report names it ("" when the result has no variants)
  const Json* result;   // object holding the case keys (muscles, joints, ...)
};
std::vector<Case> collectCases(const Json& result);

// Text for HTML (element content and attribute values alike).
std::string escapeHtml(const std::string& text);
// 2950.4 -> "2,950"; rounds to an integer, thousands separated by commas.
std::string formatThousands(double value);
// "L5_S1" -> "L5/S1"; "longissimus_thoracis" -> "longissimus thoracis".
std::string levelName(const std::string& joint);
std::string humanName(const std::string& name);
// A number for an SVG coordinate: two decimals.
std::string svgNumber(double value);

// A map from data (N, m, activation) to picture coordinates (px).
struct LinearScale {
  double domain0 = 0.0, domain1 = 1.0, range0 = 0.0, range1 = 1.0;
  double operator()(double v) const {
    const double span = domain1 - domain0;
    return span == 0.0 ? range0 : range0 + (v - domain0) * (range1 - range0) / span;
  }
};
// Round tick values covering [lo, hi], about `count` of them (steps of 1, 2 or 5 x 10^k).
std::vector<double> niceTicks(double lo, double hi, int count);

// The NIOSH and shear limits a case is judged against: the assessment's when it gives them,
// else the published values (Waters et al. 1993; Gallagher and Marras 2012).
struct Limits {
  double action_N = 3400.0, maximum_N = 6400.0;      // compression
  double frequent_N = 700.0, occasional_N = 1000.0;  // antero-posterior shear
};
Limits limitsOf(const Json& case_result);

// The figures (src/report/figures.cpp); each returns "" when no case has the data it needs.
std::string bodyFigures(const std::vector<Case>& cases);
std::string layerFigures(const std::vector<Case>& cases);
std::string compressionFigures(const std::vector<Case>& cases);
std::string shearFigures(const std::vector<Case>& cases);
std::string discPressureFigures(const std::vector<Case>& cases);
std::string activationLegend();

}  // namespace dorsum::report
