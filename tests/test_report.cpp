// The HTML report and the CSV tables, on a small hand-written result with two variants
// (tests/data/report_two_variants.json). Every assertion is a property of the output against
// the input or the published limits, never a number the report printed about itself.
#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dorsum/error.hpp"
#include "dorsum/report.hpp"

namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

Json loadResult() {
  std::ifstream in(std::string(DORSUM_SOURCE_DIR) + "/tests/data/report_two_variants.json");
  return Json::parse(in);
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Every <svg ...>...</svg> whose opening tag carries class `css_class`.
std::vector<std::string> svgsOfClass(const std::string& html, const std::string& css_class) {
  std::vector<std::string> out;
  const std::regex open("<svg [^>]*class=\"([^\"]*)\"");
  for (size_t at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) {
    const size_t end = html.find("</svg>", at);
    const size_t tag_end = html.find('>', at);
    std::smatch m;
    const std::string tag = html.substr(at, tag_end - at + 1);
    if (!std::regex_search(tag, m, open)) continue;
    std::istringstream classes(m[1].str());
    for (std::string c; classes >> c;)
      if (c == css_class) out.push_back(html.substr(at, end - at));
  }
  return out;
}

// The opening tags of the elements `element` whose class attribute contains `css_class`.
std::vector<std::string> tags(const std::string& svg, const std::string& element,
                              const std::string& css_class) {
  std::vector<std::string> out;
  const std::regex re("<" + element + " [^>]*>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it) {
    const std::string tag = it->str();
    const std::regex cls("class=\"([^\"]*)\"");
    std::smatch m;
    if (!std::regex_search(tag, m, cls)) continue;
    // Whole words of the class list (GCC 12 warns, wrongly, of an overlap in " " + str + " ").
    std::istringstream words(m[1].str());
    for (std::string word; words >> word;)
      if (word == css_class) {
        out.push_back(tag);
        break;
      }
  }
  return out;
}

std::string attr(const std::string& tag, const std::string& name) {
  const std::regex re(" " + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(tag, m, re) ? m[1].str() : std::string();
}

double num(const std::string& tag, const std::string& name) {
  const std::string v = attr(tag, name);
  EXPECT_FALSE(v.empty()) << name << " missing in " << tag;
  return v.empty() ? std::nan("") : std::stod(v);
}

// Relative luminance of "#rrggbb" (WCAG 2 / sRGB).
double luminance(const std::string& hex) {
  EXPECT_EQ(hex.size(), 7u) << hex;
  const auto channel = [&](int k) {
    const double c = std::stoi(hex.substr(1 + 2 * k, 2), nullptr, 16) / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

// The map from a value to the picture's y that a chart's axis ticks give: a line through the
// first and last tick, after checking that every tick lies on it.
struct AxisScale {
  double a = 0, b = 0;  // y = a + b v
  double operator()(double v) const { return a + b * v; }
};

AxisScale axisOf(const std::string& svg) {
  const auto ticks = tags(svg, "line", "tick");
  EXPECT_GE(ticks.size(), 3u);
  if (ticks.size() < 2) return {};
  const double v0 = num(ticks.front(), "data-value"), y0 = num(ticks.front(), "y1");
  const double v1 = num(ticks.back(), "data-value"), y1 = num(ticks.back(), "y1");
  AxisScale s{y0 - (y1 - y0) / (v1 - v0) * v0, (y1 - y0) / (v1 - v0)};
  EXPECT_LT(s.b, 0.0) << "larger values must be higher on the page";
  for (const auto& t : ticks) {
    EXPECT_NEAR(num(t, "y1"), s(num(t, "data-value")), 0.02) << t;
    EXPECT_EQ(attr(t, "y1"), attr(t, "y2"));
  }
  return s;
}

// A small RFC 4180 reader: quoted fields with doubled quotes.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"', ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field), field.clear();
    } else if (c == '\n') {
      row.push_back(field), field.clear();
      rows.push_back(row), row.clear();
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(field.empty() && row.empty()) << "the last line must end with a newline";
  return rows;
}

fs::path freshDir(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("dorsum_report_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  return dir;
}

// The case objects of a result by the label the CSV gives them.
std::map<std::string, const Json*> casesByLabel(const Json& result) {
  std::map<std::string, const Json*> out{{"base", &result}};
  for (const Json& v : result["variants"]) out[v["label"].get<std::string>()] = &v;
  return out;
}

}  // namespace

TEST(Report, IsSelfContained) {
  const std::string html = dorsum::renderHtmlReport(loadResult());
  ASSERT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // The only URL is the SVG namespace, which names the vocabulary and is never fetched.
  std::string rest = html;
  const std::string ns = "xmlns=\"http://www.w3.org/2000/svg\"";
  for (size_t at = rest.find(ns); at != std::string::npos; at = rest.find(ns))
    rest.erase(at, ns.size());
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
}

TEST(Report, NamesEveryVariantAndGivesEachItsPanels) {
  const Json result = loadResult();
  const std::string html = dorsum::renderHtmlReport(result);
  for (const Json& v : result["variants"]) {
    const std::string label = v["label"];
    EXPECT_NE(html.find("<figcaption>" + label + "</figcaption>"), std::string::npos) << label;
    EXPECT_NE(html.find("<p class=\"headline\">"), std::string::npos);
  }
  // Both variants have joints, so both get a compression panel, besides the base case.
  EXPECT_EQ(svgsOfClass(html, "compression").size(), 3u);
  // Only the base case and the squat carry geometry.
  EXPECT_EQ(svgsOfClass(html, "body").size(), 2u);
}

TEST(Report, HeadlineComesFirstAndJudgesAgainstTheActionLimit) {
  const std::string html = dorsum::renderHtmlReport(loadResult());
  const size_t first_headline = html.find("<p class=\"headline\">");
  ASSERT_NE(first_headline, std::string::npos);
  EXPECT_LT(first_headline, html.find("<svg"));
  // The base case (4,120.5 N at L5/S1) is over the 3,400 N action limit, the squat (2,950 N)
  // below it, 25 kg (6,700 N) over the 6,400 N maximum.
  EXPECT_NE(html.find("L5/S1 compression 4,121 N, over the 3,400 N action limit"),
            std::string::npos);
  EXPECT_NE(html.find("technique=squat: L5/S1 compression 2,950 N, below the 3,400 N action limit"),
            std::string::npos);
  EXPECT_NE(html.find("load_kg=25: L5/S1 compression 6,700 N, over the 6,400 N maximum"),
            std::string::npos);
  for (const char* verdict : {"verdict-caution", "verdict-acceptable", "verdict-hazardous"})
    EXPECT_NE(html.find(verdict), std::string::npos) << verdict;
}

TEST(Report, ColourScaleDarkensMonotonicallyWithActivation) {
  double previous = luminance(dorsum::activationColor(0.0));
  for (int i = 1; i <= 100; ++i) {
    const double l = luminance(dorsum::activationColor(i / 100.0));
    EXPECT_LT(l, previous) << "activation " << i / 100.0;
    previous = l;
  }
  EXPECT_EQ(dorsum::activationColor(-1.0), dorsum::activationColor(0.0));
  EXPECT_EQ(dorsum::activationColor(2.0), dorsum::activationColor(1.0));
}

TEST(Report, EveryFascicleDrawnInBothViewsColouredByActivationMostActiveOnTop) {
  const Json result = loadResult();
  const std::string html = dorsum::renderHtmlReport(result);
  const auto bodies = svgsOfClass(html, "body");
  ASSERT_FALSE(bodies.empty());
  std::map<std::string, double> activation;
  for (const Json& f : result["geometry"]["fascicles"]) activation[f["name"]] = f["activation"];
  const auto polylines = tags(bodies[0], "polyline", "fascicle");
  ASSERT_EQ(polylines.size(), 2 * activation.size());  // the side view and the back view
  std::map<std::string, int> seen;
  std::vector<std::pair<double, double>> activation_luminance;
  double last = -1.0;
  for (size_t i = 0; i < polylines.size(); ++i) {
    const std::string name = attr(polylines[i], "data-name");
    ASSERT_TRUE(activation.count(name)) << name;
    ++seen[name];
    const double a = activation[name];
    activation_luminance.push_back({a, luminance(attr(polylines[i], "stroke"))});
    EXPECT_FALSE(attr(polylines[i], "points").empty());
    // Within each view the fascicles come in rising activation: the most active on top.
    if (i == polylines.size() / 2) last = -1.0;
    EXPECT_GE(a, last) << name;
    last = a;
  }
  for (const auto& [name, n] : seen) EXPECT_EQ(n, 2) << name;
  std::sort(activation_luminance.begin(), activation_luminance.end());
  for (size_t i = 1; i < activation_luminance.size(); ++i) {
    if (activation_luminance[i].first > activation_luminance[i - 1].first) {
      EXPECT_LT(activation_luminance[i].second, activation_luminance[i - 1].second);
    }
  }
  // The inactive fascicle is faint: less opaque than the most active one.
  double faint = 1, strong = 0;
  for (const auto& p : polylines) {
    const double a = activation[attr(p, "data-name")], opacity = num(p, "stroke-opacity");
    if (a < 0.02) faint = std::min(faint, opacity);
    if (a > 0.8) strong = std::max(strong, opacity);
  }
  EXPECT_LT(faint, strong);
}

TEST(Report, SideViewPutsAnteriorRightAndBackViewPutsTheSubjectsRightRight) {
  const Json result = loadResult();
  const std::string html = dorsum::renderHtmlReport(result);
  const std::string body = svgsOfClass(html, "body").at(0);
  const auto polylines = tags(body, "polyline", "fascicle");
  // latissimus_dorsi_T10_r runs from (x -0.06, y 1.0, z 0.05) to (x 0.2, y 1.3, z 0.18): in
  // both views its second point is higher (smaller picture y) and further right.
  int checked = 0;
  for (const auto& p : polylines) {
    if (attr(p, "data-name") != "latissimus_dorsi_T10_r") continue;
    double x0, y0, x1, y1;
    ASSERT_EQ(std::sscanf(attr(p, "points").c_str(), "%lf,%lf %lf,%lf", &x0, &y0, &x1, &y1), 4);
    EXPECT_GT(x1, x0);
    EXPECT_LT(y1, y0);
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(Report, CompressionLimitLinesSitWhereTheAxisPutsThem) {
  const std::string html = dorsum::renderHtmlReport(loadResult());
  const auto charts = svgsOfClass(html, "compression");
  ASSERT_EQ(charts.size(), 3u);
  const AxisScale first = axisOf(charts[0]);
  for (const std::string& svg : charts) {
    const AxisScale s = axisOf(svg);
    // Small multiples share one scale.
    EXPECT_NEAR(s(0.0), first(0.0), 1e-6);
    EXPECT_NEAR(s(6400.0), first(6400.0), 1e-6);
    // The NIOSH action limit and maximum (Waters et al. 1993).
    for (const double limit : {3400.0, 6400.0}) {
      bool found = false;
      for (const auto& line : tags(svg, "line", "limit"))
        if (num(line, "data-value") == limit) {
          found = true;
          EXPECT_NEAR(num(line, "y1"), s(limit), 0.01);
          EXPECT_NEAR(num(line, "y2"), s(limit), 0.01);
        }
      EXPECT_TRUE(found) << limit;
    }
    EXPECT_NE(svg.find("Waters et al. 1993"), std::string::npos);
  }
  // The L5/S1 bar of the base case spans from 0 N to its compression on the same scale.
  for (const auto& bar : tags(charts[0], "rect", "bar"))
    if (attr(bar, "data-level") == "L5_S1") {
      EXPECT_NEAR(num(bar, "y"), first(4120.5), 0.01);
      EXPECT_NEAR(num(bar, "y") + num(bar, "height"), first(0.0), 0.01);
    }
}

TEST(Report, ShearLimitLinesSitWhereTheAxisPutsThemOnBothSides) {
  const std::string html = dorsum::renderHtmlReport(loadResult());
  const auto charts = svgsOfClass(html, "shear");
  ASSERT_EQ(charts.size(), 3u);
  for (const std::string& svg : charts) {
    const AxisScale s = axisOf(svg);
    // 700 N frequent and 1000 N occasional (Gallagher and Marras 2012), either direction.
    for (const double limit : {700.0, 1000.0, -700.0, -1000.0}) {
      int found = 0;
      for (const auto& line : tags(svg, "line", "limit"))
        if (num(line, "data-value") == limit) {
          ++found;
          EXPECT_NEAR(num(line, "y1"), s(limit), 0.01);
          EXPECT_NEAR(num(line, "y2"), s(limit), 0.01);
        }
      EXPECT_EQ(found, 1) << limit;
    }
    EXPECT_NE(svg.find("Gallagher and Marras 2012"), std::string::npos);
  }
  // The 1,100 N shear of the 25 kg variant is drawn to scale, inside the picture.
  const AxisScale s = axisOf(charts[2]);
  const auto bars = tags(charts[2], "rect", "bar");
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_NEAR(num(bars[0], "y"), s(1100.0), 0.01);
  EXPECT_NEAR(num(bars[0], "y") + num(bars[0], "height"), s(0.0), 0.01);
  EXPECT_GT(num(bars[0], "y"), 0.0);
}

TEST(Report, DiscPressureBarsMatchTheAxis) {
  const Json result = loadResult();
  const std::string html = dorsum::renderHtmlReport(result);
  const auto charts = svgsOfClass(html, "disc-pressure");
  ASSERT_EQ(charts.size(), 2u);  // the 25 kg variant has no disc pressures
  const AxisScale s = axisOf(charts[0]);
  int bars = 0;
  for (const auto& bar : tags(charts[0], "rect", "bar")) {
    const double mpa = result["disc_pressure_MPa"][attr(bar, "data-level")];
    EXPECT_NEAR(num(bar, "y"), s(mpa), 0.01);
    EXPECT_NEAR(num(bar, "y") + num(bar, "height"), s(0.0), 0.01);
    ++bars;
  }
  EXPECT_EQ(bars, 3);
}

TEST(Report, EscapesEveryText) {
  Json result = loadResult();
  result["scenario"]["name"] = "<b>bold</b> & \"quoted\"";
  result["variants"][0]["label"] = "a<b & c";
  result["warnings"] = {"x < y & z"};
  result["muscles"][0]["name"] = "<img src=x>";
  result["geometry"]["fascicles"][0]["name"] = "f\"><script>";
  const std::string html = dorsum::renderHtmlReport(result);
  for (const char* raw : {"<b>bold</b>", "a<b & c", "x < y & z", "<img src=x>", "<script>"})
    EXPECT_EQ(html.find(raw), std::string::npos) << raw;
  EXPECT_NE(html.find("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"), std::string::npos);
  EXPECT_NE(html.find("a&lt;b &amp; c"), std::string::npos);
  EXPECT_NE(html.find("x &lt; y &amp; z"), std::string::npos);
  EXPECT_NE(html.find("data-name=\"f&quot;&gt;&lt;script&gt;\""), std::string::npos);
}

TEST(Report, ResultWithoutGeometryStillRenders) {
  Json result = loadResult();
  result.erase("geometry");
  for (Json& v : result["variants"]) v.erase("geometry");
  const std::string html = dorsum::renderHtmlReport(result);
  EXPECT_TRUE(svgsOfClass(html, "body").empty());
  EXPECT_EQ(svgsOfClass(html, "compression").size(), 3u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(Report, PartialOrMalformedResultsRenderWhatTheyHave) {
  for (const char* text :
       {"{}", "[]", "null", R"({"joints": "nonsense", "muscles": [1, 2], "variants": [3]})",
        R"({"joints": [{"name": "L5_S1"}], "geometry": {"fascicles": [{"points": [[1, 2]]}]}})",
        R"({"task": {"name": "standing"}, "joints": [{"name": "L5_S1", "compression_N": 900}]})",
        R"({"disc_pressure_MPa": {"L5_S1": "high"}, "niosh": {"li": 1.2}, "reserves": [{}]})"}) {
    std::string html;
    ASSERT_NO_THROW(html = dorsum::renderHtmlReport(Json::parse(text))) << text;
    EXPECT_NE(html.find("</html>"), std::string::npos) << text;
  }
  const std::string older = dorsum::renderHtmlReport(
      Json::parse(R"({"task": {"name": "standing"}, "joints": [{"name": "L5_S1",
                     "compression_N": 900, "shear_ap_N": 100}]})"));
  EXPECT_NE(older.find("L5/S1 compression 900 N, below the 3,400 N action limit"),
            std::string::npos);
}

TEST(Report, NioshMultipliersWhenPresent) {
  const Json result = loadResult();
  const std::string html = dorsum::renderHtmlReport(result);
  EXPECT_NE(html.find("<table class=\"niosh\">"), std::string::npos);
  for (const auto& [name, value] : result["niosh"]["origin"]["multipliers"].items())
    EXPECT_NE(html.find(name + " multiplier"), std::string::npos) << name;
  Json without = result;
  without.erase("niosh");
  EXPECT_EQ(dorsum::renderHtmlReport(without).find("<table class=\"niosh\">"), std::string::npos);
}

TEST(Report, IsDeterministic) {
  const Json result = loadResult();
  EXPECT_EQ(dorsum::renderHtmlReport(result), dorsum::renderHtmlReport(result));
}

TEST(Csv, WritesFiveTablesWithTheirHeaders) {
  const fs::path dir = freshDir("headers") / "nested";
  const auto paths = dorsum::writeCsv(loadResult(), dir.string());
  ASSERT_EQ(paths.size(), 5u);
  const std::map<std::string, std::string> headers = {
      {"muscles.csv",
       "variant,name,side,layer,group,activation,force_N,normalized_fiber_length,fascicles"},
      {"fascicles.csv", "variant,name,muscle,side,activation,force_N,normalized_fiber_length"},
      {"joints.csv",
       "variant,name,compression_N,shear_ap_N,shear_lateral_N,moment_x_Nm,moment_y_Nm,"
       "moment_z_Nm"},
      {"disc_pressure.csv", "variant,level,pressure_MPa"},
      {"ligaments.csv", "variant,name,joint,force_N,strain,failure_force_N,failure_share"}};
  for (const std::string& p : paths) {
    const std::string name = fs::path(p).filename().string();
    ASSERT_TRUE(headers.count(name)) << p;
    const std::string text = readFile(p);
    EXPECT_EQ(text.substr(0, text.find('\n')), headers.at(name));
  }
  fs::remove_all(dir.parent_path());
}

TEST(Csv, OneRowPerMuscleAndSideWithItsVariantNumbersReadBack) {
  const Json result = loadResult();
  const fs::path dir = freshDir("muscles");
  dorsum::writeCsv(result, dir.string());
  const auto rows = parseCsv(readFile(dir / "muscles.csv"));
  const auto cases = casesByLabel(result);
  size_t expected = 0;
  for (const auto& [label, c] : cases) expected += (*c)["muscles"].size();
  ASSERT_EQ(rows.size(), expected + 1);
  std::set<std::tuple<std::string, std::string, std::string>> keys;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    ASSERT_EQ(row.size(), rows[0].size());
    ASSERT_TRUE(cases.count(row[0])) << row[0];
    EXPECT_TRUE(keys.insert({row[0], row[1], row[2]}).second) << "one row per muscle and side";
    const Json* muscle = nullptr;
    for (const Json& m : (*cases.at(row[0]))["muscles"])
      if (m["name"] == row[1] && m["side"] == row[2]) muscle = &m;
    ASSERT_NE(muscle, nullptr) << row[1];
    EXPECT_EQ(row[3], (*muscle)["layer"]);
    EXPECT_EQ(std::stod(row[5]), (*muscle)["activation"].get<double>());
    EXPECT_EQ(std::stod(row[6]), (*muscle)["force_N"].get<double>());
    EXPECT_EQ(std::stod(row[7]), (*muscle)["normalized_fiber_length"].get<double>());
    EXPECT_EQ(row[8], "");  // no fascicle count in this result: an empty field
  }
  fs::remove_all(dir);
}

TEST(Csv, JointsFasciclesAndPressuresReadBack) {
  const Json result = loadResult();
  const fs::path dir = freshDir("joints");
  dorsum::writeCsv(result, dir.string());
  const auto cases = casesByLabel(result);
  const auto joints = parseCsv(readFile(dir / "joints.csv"));
  size_t n = 0;
  for (size_t r = 1; r < joints.size(); ++r, ++n) {
    const auto& row = joints[r];
    const Json* joint = nullptr;
    for (const Json& j : (*cases.at(row[0]))["joints"])
      if (j["name"] == row[1]) joint = &j;
    ASSERT_NE(joint, nullptr) << row[1];
    EXPECT_EQ(std::stod(row[2]), (*joint)["compression_N"].get<double>());
    EXPECT_EQ(std::stod(row[3]), (*joint)["shear_ap_N"].get<double>());
    EXPECT_EQ(std::stod(row[4]), (*joint)["shear_lateral_N"].get<double>());
    for (int k = 0; k < 3; ++k)
      EXPECT_EQ(std::stod(row[5 + k]), (*joint)["moment_Nm"][k].get<double>());
  }
  size_t expected = 0;
  for (const auto& [label, c] : cases) expected += (*c)["joints"].size();
  EXPECT_EQ(n, expected);

  const auto fascicles = parseCsv(readFile(dir / "fascicles.csv"));
  EXPECT_EQ(fascicles.size(), 1 + result["fascicles"].size() + 1);  // base 4, squat 1
  for (size_t r = 1; r < fascicles.size(); ++r) {
    for (const Json& f : (*cases.at(fascicles[r][0]))["fascicles"]) {
      if (f["name"] == fascicles[r][1]) {
        EXPECT_EQ(std::stod(fascicles[r][4]), f["activation"].get<double>());
      }
    }
  }

  const auto pressures = parseCsv(readFile(dir / "disc_pressure.csv"));
  EXPECT_EQ(pressures.size(), 1u + 3 + 2);
  for (size_t r = 1; r < pressures.size(); ++r)
    EXPECT_EQ(std::stod(pressures[r][2]),
              (*cases.at(pressures[r][0]))["disc_pressure_MPa"][pressures[r][1]].get<double>());
  fs::remove_all(dir);
}

TEST(Csv, QuotesFieldsThatHoldCommasOrQuotes) {
  Json result = loadResult();
  result["variants"][0]["label"] = "technique=squat, load \"light\"";
  const fs::path dir = freshDir("quotes");
  dorsum::writeCsv(result, dir.string());
  const auto rows = parseCsv(readFile(dir / "muscles.csv"));
  int found = 0;
  for (const auto& row : rows) {
    EXPECT_EQ(row.size(), rows[0].size());
    found += row[0] == "technique=squat, load \"light\"";
  }
  EXPECT_EQ(found, 2);
  fs::remove_all(dir);
}

TEST(Csv, UnwritableDirectoryThrowsInputErrorNamingIt) {
  const fs::path base = freshDir("blocked");
  fs::create_directories(base);
  std::ofstream(base / "a_file") << "not a directory\n";
  const std::string dir = (base / "a_file" / "csv").string();
  try {
    dorsum::writeCsv(loadResult(), dir);
    FAIL() << "expected InputError";
  } catch (const dorsum::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(dir), std::string::npos) << e.what();
  }
  EXPECT_EQ(readFile(base / "a_file"), "not a directory\n");
  fs::remove_all(base);
}

TEST(Csv, AFailedWriteLeavesNoPartialFile) {
  const fs::path dir = freshDir("partial");
  fs::create_directories(dir);
  const std::string good = "variant,level,pressure_MPa\nbase,L5_S1,1\n";
  std::ofstream(dir / "disc_pressure.csv") << good;
  fs::create_directories(dir / "joints.csv");  // a directory where a table should go
  try {
    dorsum::writeCsv(loadResult(), dir.string());
    FAIL() << "expected InputError";
  } catch (const dorsum::InputError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "joints.csv").string()), std::string::npos)
        << e.what();
  }
  // Tables written before the failure are whole; the one after it is untouched; no temporary
  // file is left behind.
  EXPECT_EQ(readFile(dir / "disc_pressure.csv"), good);
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
    if (entry.is_regular_file()) {
      const std::string text = readFile(entry.path());
      ASSERT_FALSE(text.empty()) << name;
      EXPECT_EQ(text.back(), '\n') << name;
      EXPECT_NO_FATAL_FAILURE(parseCsv(text));
    }
  }
  fs::remove_all(dir);
}

TEST(Report, ShowsConditionsStrainPressureAndFatigue) {
  const nlohmann::ordered_json r = nlohmann::ordered_json::parse(R"({
    "schema_version": 2, "scenario": {"name": "t", "description": "", "source": "builtin"},
    "intra_abdominal_pressure": {"pressure_kPa": 4.2, "force_N": 195.0,
                                 "abdominal_wall_min_activation": 0.21},
    "conditions": [{"name": "weak <erectors>", "kind": "weakness", "strength": 0.5,
                    "mean_activation": 0.6}],
    "strain": [{"fascicle": "iliocostalis_lumborum_L3_r", "overstretch": 0.31,
                "activation": 0.9, "normalized_fiber_length": 1.34}],
    "fatigue": {"region": "trunk", "duty_cycle": 0.8, "cycle_s": 10, "duration_min": 30,
                "endurance_time_min": 2.5,
                "timeline": [{"time_min": 0, "L4_L5_compression_N": 1500, "max_reserve_Nm": 0,
                              "min_capacity": 1}],
                "work_shift": [{"muscle": "longissimus_thoracis", "side": "right",
                                "active_force_start_N": 462, "active_force_end_N": 150}]},
    "variants": []})");
  const std::string html = dorsum::renderHtmlReport(r);
  EXPECT_NE(html.find("4.2 kPa"), std::string::npos);
  EXPECT_NE(html.find("weak &lt;erectors&gt;"), std::string::npos);
  EXPECT_EQ(html.find("weak <erectors>"), std::string::npos);
  EXPECT_NE(html.find("strength x 0.5"), std::string::npos);
  EXPECT_NE(html.find("iliocostalis lumborum"), std::string::npos);
  EXPECT_NE(html.find("after 2.5 min"), std::string::npos);
  EXPECT_NE(html.find("How the work shifted"), std::string::npos);
}
