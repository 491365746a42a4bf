// The outputs a person reads: a self-contained HTML report with SVG figures, and CSV tables,
// both made from an analysis result (the JSON of `dorsum analyze`, schema_version 2, with its
// variants). Any key of the result may be missing (an older or partial result): the figure or
// table that needs it is left out. docs/REPORT.md describes what the report shows.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dorsum {

// The HTML report of an analysis result. Self-contained: inline CSS and SVG, no network, no
// external fonts or scripts needed to read it. Deterministic: the same result gives the same
// bytes.
std::string renderHtmlReport(const nlohmann::ordered_json& result);

// CSV files of a result into `dir` (created if missing): muscles.csv, fascicles.csv,
// joints.csv and disc_pressure.csv, each with a `variant` column and one row set for the base
// case ("base") and one per variant (its label). Every file is written whole or not at all
// (writeOutput). Throws InputError naming the path if it cannot write. Returns the paths
// written, in the order above.
std::vector<std::string> writeCsv(const nlohmann::ordered_json& result, const std::string& dir);

// The report's colour scale of muscle activation, as "#rrggbb": ColorBrewer's sequential
// YlOrRd (Harrower and Brewer 2003), pale yellow at 0 to dark red at 1, interpolated between
// its nine classes; lightness falls monotonically with activation. Clamped to [0, 1]; a NaN
// gives grey.
std::string activationColor(double activation);

}  // namespace dorsum
