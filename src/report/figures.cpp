// The SVG figures of the report: the body in its posture with every fascicle coloured by
// activation, activation by layer, and compression, shear and disc pressure per spinal level.
// Variants are drawn as small multiples with the same scales, so that equal lengths mean equal
// numbers across panels.
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "dorsum/analysis.hpp"
#include "dorsum/report.hpp"
#include "report/report_internal.hpp"

namespace dorsum::report {
namespace {

constexpr double kFaintBelow = 0.05;  // activation under which a fascicle is drawn faint

std::string svgOpen(double width, double height, const std::string& css_class,
                    const std::string& label) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" "
      "height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
      css_class, svgNumber(width), svgNumber(height), svgNumber(width), svgNumber(height),
      escapeHtml(label));
}

std::string text(double x, double y, const std::string& content, const std::string& css_class,
                 const char* anchor = "start") {
  return fmt::format("<text class=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>\n",
                     css_class, svgNumber(x), svgNumber(y), anchor, escapeHtml(content));
}

// Panels side by side, one per case, each captioned with the case's name.
std::string multiples(const std::vector<std::pair<std::string, std::string>>& panels) {
  std::string out = "<div class=\"multiples\">\n";
  for (const auto& [label, svg] : panels) {
    out += "<figure class=\"panel\">";
    if (!label.empty()) out += fmt::format("<figcaption>{}</figcaption>", escapeHtml(label));
    out += "\n" + svg + "</figure>\n";
  }
  return out + "</div>\n";
}

// An arrow from (x0, y0) to (x1, y1) in picture coordinates, head at (x1, y1).
std::string arrow(double x0, double y0, double x1, double y1, const char* css_class) {
  const double dx = x1 - x0, dy = y1 - y0, len = std::hypot(dx, dy);
  if (len < 1.0) return {};
  const double ux = dx / len, uy = dy / len, head = std::min(8.0, 0.5 * len);
  const double bx = x1 - head * ux, by = y1 - head * uy;
  return fmt::format(
      "<g class=\"{}\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>"
      "<polygon points=\"{},{} {},{} {},{}\"/></g>\n",
      css_class, svgNumber(x0), svgNumber(y0), svgNumber(bx), svgNumber(by), svgNumber(x1),
      svgNumber(y1), svgNumber(bx - 0.45 * head * uy), svgNumber(by + 0.45 * head * ux),
      svgNumber(bx + 0.45 * head * uy), svgNumber(by - 0.45 * head * ux));
}

// ---- The body in its posture ----------------------------------------------------------------

struct Bounds {
  Point lo{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
           std::numeric_limits<double>::infinity()};
  Point hi{-lo[0], -lo[1], -lo[2]};
  void add(const Point& p) {
    for (int k = 0; k < 3; ++k) lo[k] = std::min(lo[k], p[k]), hi[k] = std::max(hi[k], p[k]);
  }
  bool empty() const { return !(hi[1] >= lo[1]); }
};

void addGeometry(const Json& geometry, Bounds& b) {
  if (const Json* segments = findArray(geometry, "segments"))
    for (const Json& s : *segments)
      for (const char* end : {"from", "to"})
        if (s.is_object() && s.contains(end))
          if (auto p = toPoint(s[end])) b.add(*p);
  if (const Json* fascicles = findArray(geometry, "fascicles"))
    for (const Json& f : *fascicles)
      if (const Json* points = findArray(f, "points"))
        for (const Json& q : *points)
          if (auto p = toPoint(q)) b.add(*p);
  for (const char* key : {"loads", "supports"})
    if (const Json* items = findArray(geometry, key))
      for (const Json& item : *items)
        if (item.is_object() && item.contains("point"))
          if (auto p = toPoint(item["point"])) b.add(*p);
}

// One view: world axis `u` (0 = x, 2 = z) to the picture's right, world y up.
struct View {
  int u;
  double left, top, ppm;  // picture offset (px) and scale (px per m)
  double hi_y, lo_u;
  double px(const Point& p) const { return left + (p[u] - lo_u) * ppm; }
  double py(const Point& p) const { return top + (hi_y - p[1]) * ppm; }
};

std::string drawForces(const Json& geometry, const View& v) {
  std::string out;
  constexpr double kPxPerN = 0.25, kMaxPx = 90.0;
  for (const char* key : {"loads", "supports"}) {
    const Json* items = findArray(geometry, key);
    if (!items) continue;
    const bool is_load = std::string(key) == "loads";
    for (const Json& item : *items) {
      if (!item.is_object() || !item.contains("point") || !item.contains("force_N")) continue;
      const auto p = toPoint(item["point"]);
      const auto f = toPoint(item["force_N"]);
      if (!p || !f) continue;
      const double magnitude = std::sqrt((*f)[0] * (*f)[0] + (*f)[1] * (*f)[1] + (*f)[2] * (*f)[2]);
      if (magnitude <= 0.0) continue;
      const double len = std::min(kMaxPx, magnitude * kPxPerN) / magnitude;
      const double fx = (*f)[v.u] * len, fy = -(*f)[1] * len;
      const double x = v.px(*p), y = v.py(*p);
      // A load hangs from its point; a support pushes into the body at its point.
      out += is_load ? arrow(x, y, x + fx, y + fy, "load") : arrow(x - fx, y - fy, x, y, "support");
      const std::string name = findString(item, "name");
      const std::string label =
          fmt::format("{}{} N", name.empty() ? "" : name + " ", formatThousands(magnitude));
      out += text(is_load ? x + fx + 4 : x - fx + 4, is_load ? y + fy + 4 : y - fy + 4, label,
                  is_load ? "force-label load-label" : "force-label support-label");
    }
  }
  return out;
}

std::string drawView(const Json& geometry, const View& v, const Bounds& b,
                     const std::map<std::string, double>& activation_by_name) {
  std::string out;
  if (b.lo[1] <= 0.05) {  // the ground, y = 0
    const double y = v.py({0.0, 0.0, 0.0});
    out += fmt::format("<line class=\"ground\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                       svgNumber(v.left - 10), svgNumber(y),
                       svgNumber(v.left + (b.hi[v.u] - b.lo[v.u]) * v.ppm + 10), svgNumber(y));
  }
  if (const Json* segments = findArray(geometry, "segments")) {
    out += "<g class=\"bones\">\n";
    for (const Json& s : *segments) {
      if (!s.is_object() || !s.contains("from") || !s.contains("to")) continue;
      const auto a = toPoint(s["from"]), c = toPoint(s["to"]);
      if (!a || !c) continue;
      out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"><title>{}</title></line>\n",
                         svgNumber(v.px(*a)), svgNumber(v.py(*a)), svgNumber(v.px(*c)),
                         svgNumber(v.py(*c)), escapeHtml(findString(s, "body")));
    }
    out += "</g>\n";
  }
  if (const Json* fascicles = findArray(geometry, "fascicles")) {
    // Least active first, so that the most active are drawn on top.
    struct Item {
      double activation;
      const Json* j;
    };
    std::vector<Item> items;
    for (const Json& f : *fascicles) {
      if (!findArray(f, "points")) continue;
      std::optional<double> a = findNumber(f, "activation");
      if (!a) {
        const auto it = activation_by_name.find(findString(f, "name"));
        if (it != activation_by_name.end()) a = it->second;
      }
      items.push_back({a.value_or(std::numeric_limits<double>::quiet_NaN()), &f});
    }
    std::stable_sort(items.begin(), items.end(), [](const Item& x, const Item& y) {
      const double ax = std::isnan(x.activation) ? -1.0 : x.activation;
      const double ay = std::isnan(y.activation) ? -1.0 : y.activation;
      return ax < ay;
    });
    out += "<g class=\"fascicles\" fill=\"none\">\n";
    for (const Item& item : items) {
      std::string points;
      for (const Json& q : (*item.j)["points"])
        if (auto p = toPoint(q))
          // A tenth of a pixel is finer than any screen: one decimal keeps 750 paths small.
          points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", v.px(*p), v.py(*p));
      const double a = item.activation;
      const bool faint = std::isnan(a) || a < kFaintBelow;
      const std::string name = findString(*item.j, "name");
      const std::string side = findString(*item.j, "side");
      out += fmt::format(
          "<polyline class=\"fascicle\" data-name=\"{}\" points=\"{}\" stroke=\"{}\" "
          "stroke-width=\"{}\" stroke-opacity=\"{}\"><title>{}{}: activation "
          "{}</title></polyline>\n",
          escapeHtml(name), points, activationColor(a),
          svgNumber(faint ? 0.5 : 0.7 + 1.3 * std::clamp(a, 0.0, 1.0)), faint ? "0.35" : "0.9",
          escapeHtml(name), side.empty() ? "" : " (" + escapeHtml(side) + ")",
          std::isnan(a) ? "unknown" : fmt::format("{:.2f}", a));
    }
    out += "</g>\n";
  }
  return out + drawForces(geometry, v);
}

// ---- Bars per spinal level --------------------------------------------------------------------

struct LimitLine {
  double value;
  std::string label, css_class;
};

struct LevelChart {
  std::string css_class, title, axis;
  bool pressure = false;  // MPa with two decimals; otherwise N as integers
  double lo = 0.0, hi = 1.0;
  std::function<std::vector<std::pair<std::string, double>>(const Json&)> values;
  std::function<std::vector<LimitLine>(const Json&)> limits;
  std::function<const char*(const Json&, double)> bar_class;
};

std::string levelChart(const LevelChart& chart, const Json& case_result, double band) {
  const auto values = chart.values(case_result);
  constexpr double kLeft = 64, kTop = 14, kHeight = 240, kBottom = 54, kRight = 12;
  constexpr double kMinPlot = 330;  // room for the limit lines' labels
  const auto count = static_cast<double>(std::max<size_t>(1, values.size()));
  band = std::max(band, kMinPlot / count);
  const double width = kLeft + band * static_cast<double>(values.size()) + kRight;
  const LinearScale y{chart.lo, chart.hi, kTop + kHeight, kTop};
  std::string out =
      svgOpen(width, kTop + kHeight + kBottom, "chart " + chart.css_class, chart.title);
  for (const double t : niceTicks(chart.lo, chart.hi, 6)) {
    out += fmt::format(
        "<line class=\"tick\" data-value=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", t,
        svgNumber(kLeft), svgNumber(y(t)), svgNumber(width - kRight), svgNumber(y(t)));
    out += text(kLeft - 4, y(t) + 4, chart.pressure ? fmt::format("{:g}", t) : formatThousands(t),
                "tick-label", "end");
  }
  out += fmt::format(
      "<text class=\"axis-title\" transform=\"translate(12,{}) rotate(-90)\" "
      "text-anchor=\"middle\">{}</text>\n",
      svgNumber(kTop + kHeight / 2), escapeHtml(chart.axis));
  const double zero = y(std::clamp(0.0, chart.lo, chart.hi));
  for (size_t i = 0; i < values.size(); ++i) {
    const auto& [level, v] = values[i];
    const double x = kLeft + band * static_cast<double>(i);
    const double top = std::min(zero, y(v)), height = std::abs(y(v) - zero);
    out += fmt::format(
        "<rect class=\"bar {}\" data-level=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">"
        "<title>{}: {} {}</title></rect>\n",
        chart.bar_class(case_result, v), escapeHtml(level), svgNumber(x + 0.15 * band),
        svgNumber(top), svgNumber(0.7 * band), svgNumber(height), escapeHtml(levelName(level)),
        chart.pressure ? fmt::format("{:.2f}", v) : formatThousands(v),
        chart.pressure ? "MPa" : "N");
    out += fmt::format(
        "<text class=\"level-label\" transform=\"translate({},{}) rotate(-90)\" "
        "text-anchor=\"end\">{}</text>\n",
        svgNumber(x + 0.5 * band + 4), svgNumber(kTop + kHeight + 6), escapeHtml(levelName(level)));
  }
  if (chart.lo < 0.0)
    out +=
        fmt::format("<line class=\"zero\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                    svgNumber(kLeft), svgNumber(zero), svgNumber(width - kRight), svgNumber(zero));
  for (const LimitLine& l : chart.limits(case_result)) {
    out += fmt::format(
        "<line class=\"limit {}\" data-value=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
        l.css_class, l.value, svgNumber(kLeft), svgNumber(y(l.value)), svgNumber(width - kRight),
        svgNumber(y(l.value)));
    out += text(kLeft + 4, y(l.value) + (l.value >= 0 ? -4 : 12), l.label,
                "limit-label " + l.css_class);
  }
  return out + "</svg>\n";
}

std::string levelFigures(const LevelChart& chart, const std::vector<Case>& cases, double band) {
  std::vector<std::pair<std::string, std::string>> panels;
  for (const Case& c : cases)
    if (!chart.values(*c.result).empty())
      panels.push_back({c.display, levelChart(chart, *c.result, band)});
  return panels.empty() ? std::string() : multiples(panels);
}

// The value of `key` at every joint of a case, from the sacrum upward.
std::vector<std::pair<std::string, double>> jointValues(const Json& case_result, const char* key) {
  std::vector<std::pair<std::string, double>> out;
  if (const Json* joints = findArray(case_result, "joints"))
    for (const Json& j : *joints) {
      const std::string name = findString(j, "name");
      const auto v = findNumber(j, key);
      if (!name.empty() && v) out.push_back({name, *v});
    }
  return out;
}

// The domain of a figure: every case's values and `floor` to `ceiling`, with 8 % headroom.
std::pair<double, double> domainOf(const std::vector<Case>& cases,
                                   const std::function<std::vector<double>(const Json&)>& numbers,
                                   double floor, double ceiling) {
  double lo = floor, hi = ceiling;
  for (const Case& c : cases)
    for (const double v : numbers(*c.result)) lo = std::min(lo, v), hi = std::max(hi, v);
  return {lo < 0.0 ? lo * 1.08 : lo, hi * 1.08};
}

std::vector<std::pair<std::string, double>> discPressures(const Json& case_result) {
  std::vector<std::pair<std::string, double>> out;
  const Json* pressures = findObject(case_result, "disc_pressure_MPa");
  if (!pressures) return out;
  // Joint order (from the sacrum upward) when the case has joints, else the lumbar order.
  std::vector<std::string> order;
  if (const Json* joints = findArray(case_result, "joints"))
    for (const Json& j : *joints) order.push_back(findString(j, "name"));
  for (const char* level : kLumbarJoints) order.push_back(level);
  for (const auto& [key, value] : pressures->items())
    if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
  for (const std::string& level : order) {
    const auto v = findNumber(*pressures, level.c_str());
    const bool seen =
        std::any_of(out.begin(), out.end(), [&](const auto& p) { return p.first == level; });
    if (v && !seen) out.push_back({level, *v});
  }
  return out;
}

std::vector<double> secondOf(const std::vector<std::pair<std::string, double>>& pairs) {
  std::vector<double> out;
  out.reserve(pairs.size());
  for (const auto& p : pairs) out.push_back(p.second);
  return out;
}

}  // namespace

std::string activationLegend() {
  constexpr int kSteps = 50;
  constexpr double kLeft = 16, kWidth = 300, kTop = 18, kHeight = 14;
  std::string out = svgOpen(kLeft * 2 + kWidth, 62, "legend", "Colour scale of muscle activation");
  out += text(kLeft, 12, "muscle activation (0 = at rest, 1 = maximal)", "legend-title");
  for (int i = 0; i < kSteps; ++i)
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n",
                       svgNumber(kLeft + kWidth * i / kSteps), svgNumber(kTop),
                       svgNumber(kWidth / kSteps + 0.5), svgNumber(kHeight),
                       activationColor((i + 0.5) / kSteps));
  for (const double t : {0.0, 0.25, 0.5, 0.75, 1.0})
    out += text(kLeft + kWidth * t, kTop + kHeight + 14, fmt::format("{:g}", t), "tick-label",
                "middle");
  return out + "</svg>\n";
}

std::string bodyFigures(const std::vector<Case>& cases) {
  Bounds b;
  for (const Case& c : cases)
    if (const Json* g = findObject(*c.result, "geometry")) addGeometry(*g, b);
  if (b.empty()) return {};
  constexpr double kBodyPx = 340, kMargin = 44, kGap = 30, kTitle = 20;
  const double ppm = kBodyPx / std::max(0.3, b.hi[1] - b.lo[1]);  // px per m, every panel
  constexpr double kMinView = 150;                                // px, room for a view's title
  const double side_w = std::max(kMinView, (b.hi[0] - b.lo[0]) * ppm);
  const double back_w = std::max(kMinView, (b.hi[2] - b.lo[2]) * ppm);
  const double width = 2 * kMargin + side_w + kGap + back_w + 2 * kMargin;
  const double height = kTitle + 2 * kMargin + (b.hi[1] - b.lo[1]) * ppm;
  std::vector<std::pair<std::string, std::string>> panels;
  for (const Case& c : cases) {
    const Json* g = findObject(*c.result, "geometry");
    if (!g) continue;
    std::map<std::string, double> activation_by_name;
    if (const Json* fascicles = findArray(*c.result, "fascicles"))
      for (const Json& f : *fascicles)
        if (auto a = findNumber(f, "activation")) activation_by_name[findString(f, "name")] = *a;
    // Each body centred in its view.
    const double side_left = kMargin + 0.5 * (side_w - (b.hi[0] - b.lo[0]) * ppm);
    const double back_left =
        3 * kMargin + side_w + kGap + 0.5 * (back_w - (b.hi[2] - b.lo[2]) * ppm);
    const View side{0, side_left, kTitle + kMargin, ppm, b.hi[1], b.lo[0]};
    const View back{2, back_left, kTitle + kMargin, ppm, b.hi[1], b.lo[2]};
    std::string svg = svgOpen(width, height, "body",
                              "The body in its posture, from the side and from behind, every "
                              "muscle fascicle coloured by its activation");
    svg += text(kMargin, 14, "From the side (facing right)", "view-title");
    svg += text(3 * kMargin + side_w + kGap, 14, "From behind", "view-title");
    // Seen from behind, the subject's left is on the picture's left.
    svg += text(3 * kMargin + side_w + kGap, height - 8, "left", "side-label");
    svg += text(3 * kMargin + side_w + kGap + back_w, height - 8, "right", "side-label", "end");
    svg += "<g class=\"view sagittal\">\n" + drawView(*g, side, b, activation_by_name) + "</g>\n";
    svg += "<g class=\"view posterior\">\n" + drawView(*g, back, b, activation_by_name) + "</g>\n";
    panels.push_back({c.display, svg + "</svg>\n"});
  }
  return multiples(panels);
}

std::string layerFigures(const std::vector<Case>& cases) {
  struct Muscle {
    double right = std::numeric_limits<double>::quiet_NaN(), left = right;
    double top() const {
      return std::max(std::isnan(right) ? 0.0 : right, std::isnan(left) ? 0.0 : left);
    }
  };
  struct Layer {
    std::map<std::string, Muscle> muscles;
    double force = 0.0;
  };
  constexpr int kRows = 6;  // muscles shown per layer, the most active
  constexpr double kName = 170, kBar = 150, kRow = 24, kHeader = 22, kWidth = kName + kBar + 50;
  const LinearScale x{0.0, 1.0, kName, kName + kBar};
  std::vector<std::pair<std::string, std::string>> panels;
  for (const Case& c : cases) {
    const Json* muscles = findArray(*c.result, "muscles");
    if (!muscles || muscles->empty()) continue;
    std::map<std::string, Layer> layers;
    for (const Json& m : *muscles) {
      const auto a = findNumber(m, "activation");
      std::string layer = findString(m, "layer");
      if (layer.empty()) layer = "other";
      Layer& l = layers[layer];
      l.force += findNumber(m, "force_N").value_or(0.0);
      Muscle& entry = l.muscles[findString(m, "name")];
      if (!a) continue;
      (findString(m, "side") == "left" ? entry.left : entry.right) = *a;
    }
    std::vector<std::string> order = {"superficial", "intermediate", "intrinsic", "other"};
    for (const auto& [name, layer] : layers)
      if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
    std::string body;
    double y = 4;
    for (const std::string& name : order) {
      const auto it = layers.find(name);
      if (it == layers.end()) continue;
      std::vector<std::pair<std::string, Muscle>> ranked(it->second.muscles.begin(),
                                                         it->second.muscles.end());
      std::stable_sort(ranked.begin(), ranked.end(), [](const auto& p, const auto& q) {
        return p.second.top() > q.second.top();
      });
      if (ranked.size() > kRows) ranked.resize(kRows);
      const std::string title =
          name == "other" ? "Other trunk and neck muscles" : humanName(name) + " layer";
      body += text(4, y + 14,
                   fmt::format("{}{} \u00b7 {} N in all", static_cast<char>(std::toupper(title[0])),
                               title.substr(1), formatThousands(it->second.force)),
                   "layer-title");
      y += kHeader;
      for (const auto& [muscle, m] : ranked) {
        body += text(kName - 6, y + 15, humanName(muscle), "muscle-name", "end");
        int row = 0;
        for (const auto& [side, a] : {std::pair{"R", m.right}, std::pair{"L", m.left}}) {
          const double top = y + 3 + 9 * row++;
          if (std::isnan(a)) continue;
          body += fmt::format(
              "<rect class=\"activation-bar\" data-muscle=\"{}\" data-side=\"{}\" x=\"{}\" "
              "y=\"{}\" "
              "width=\"{}\" height=\"8\" fill=\"{}\"><title>{} ({}): {:.2f}</title></rect>\n",
              escapeHtml(muscle), side, svgNumber(x(0.0)), svgNumber(top),
              svgNumber(x(std::clamp(a, 0.0, 1.0)) - x(0.0)), activationColor(a),
              escapeHtml(humanName(muscle)), side[0] == 'R' ? "right" : "left", a);
          body += text(x(std::clamp(a, 0.0, 1.0)) + 4, top + 7.5, fmt::format("{} {:.2f}", side, a),
                       "bar-value");
        }
        y += kRow;
      }
      y += 6;
    }
    std::string svg =
        svgOpen(kWidth, y + 20, "layers",
                "Activation of the most active muscles of each layer, right (R) and left (L)");
    for (const double t : {0.0, 0.5, 1.0}) {
      svg += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"0\" x2=\"{}\" y2=\"{}\"/>\n",
                         svgNumber(x(t)), svgNumber(x(t)), svgNumber(y));
      svg += text(x(t), y + 14, fmt::format("{:g}", t), "tick-label", "middle");
    }
    panels.push_back({c.display, svg + body + "</svg>\n"});
  }
  return panels.empty() ? std::string() : multiples(panels);
}

std::string compressionFigures(const std::vector<Case>& cases) {
  LevelChart chart;
  chart.css_class = "compression";
  chart.title = "Compression at every spinal level, with the NIOSH limits";
  chart.axis = "compression, N";
  chart.values = [](const Json& c) { return jointValues(c, "compression_N"); };
  double ceiling = 0.0;
  for (const Case& c : cases) ceiling = std::max(ceiling, limitsOf(*c.result).maximum_N);
  std::tie(chart.lo, chart.hi) = domainOf(
      cases, [](const Json& c) { return secondOf(jointValues(c, "compression_N")); }, 0.0, ceiling);
  chart.limits = [](const Json& c) {
    const Limits l = limitsOf(c);
    return std::vector<LimitLine>{
        {l.action_N,
         fmt::format("NIOSH action limit {} N (Waters et al. 1993)", formatThousands(l.action_N)),
         "action"},
        {l.maximum_N,
         fmt::format("NIOSH maximum {} N (Waters et al. 1993)", formatThousands(l.maximum_N)),
         "maximum"}};
  };
  chart.bar_class = [](const Json& c, double v) {
    const Limits l = limitsOf(c);
    return v >= l.maximum_N ? "over-maximum" : v >= l.action_N ? "over-action" : "within";
  };
  return levelFigures(chart, cases, 17);
}

std::string shearFigures(const std::vector<Case>& cases) {
  LevelChart chart;
  chart.css_class = "shear";
  chart.title = "Antero-posterior shear at every spinal level, with the shear limits";
  chart.axis = "shear, N (+ anterior)";
  chart.values = [](const Json& c) { return jointValues(c, "shear_ap_N"); };
  double ceiling = 0.0;
  for (const Case& c : cases) ceiling = std::max(ceiling, limitsOf(*c.result).occasional_N);
  std::tie(chart.lo, chart.hi) = domainOf(
      cases, [](const Json& c) { return secondOf(jointValues(c, "shear_ap_N")); }, -ceiling,
      ceiling);
  chart.limits = [](const Json& c) {
    const Limits l = limitsOf(c);
    return std::vector<LimitLine>{
        {l.frequent_N,
         fmt::format("{} N, frequent (Gallagher and Marras 2012)", formatThousands(l.frequent_N)),
         "action"},
        {l.occasional_N,
         fmt::format("{} N, occasional (Gallagher and Marras 2012)",
                     formatThousands(l.occasional_N)),
         "maximum"},
        {-l.frequent_N, fmt::format("{} N, frequent", formatThousands(-l.frequent_N)), "action"},
        {-l.occasional_N, fmt::format("{} N, occasional", formatThousands(-l.occasional_N)),
         "maximum"}};
  };
  chart.bar_class = [](const Json& c, double v) {
    const Limits l = limitsOf(c);
    return std::abs(v) >= l.occasional_N ? "over-maximum"
           : std::abs(v) >= l.frequent_N ? "over-action"
                                         : "within";
  };
  return levelFigures(chart, cases, 17);
}

std::string discPressureFigures(const std::vector<Case>& cases) {
  LevelChart chart;
  chart.css_class = "disc-pressure";
  chart.title = "Intradiscal pressure at the lumbar levels";
  chart.axis = "pressure, MPa";
  chart.pressure = true;
  chart.values = discPressures;
  std::tie(chart.lo, chart.hi) = domainOf(
      cases, [](const Json& c) { return secondOf(discPressures(c)); }, 0.0, 0.0);
  if (chart.hi <= 0.0) chart.hi = 1.0;
  chart.limits = [](const Json&) { return std::vector<LimitLine>{}; };
  chart.bar_class = [](const Json&, double) { return "within"; };
  return levelFigures(chart, cases, 40);
}

}  // namespace dorsum::report
