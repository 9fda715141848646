package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// pathColors gives each of the suite's paths a fixed colour (a colour-blind-safe
// palette); other paths get grey.
var pathColors = map[string]color.Color{
	"cgo":             color.RGBA{0x44, 0x44, 0x44, 0xff},
	"jitffi":          color.RGBA{0x00, 0x72, 0xb2, 0xff},
	"jitffi-fast":     color.RGBA{0x56, 0xb4, 0xe9, 0xff},
	"purego":          color.RGBA{0xd5, 0x5e, 0x00, 0xff},
	"purego-syscalln": color.RGBA{0xe6, 0x9f, 0x00, 0xff},
	"libffi":          color.RGBA{0xcc, 0x79, 0xa7, 0xff},
	"c-floor":         color.RGBA{0x00, 0x9e, 0x73, 0xff},
}

func colorOf(path string) color.Color {
	if c, ok := pathColors[path]; ok {
		return c
	}
	return color.Gray{0xa0}
}

// logBars draws one path's bars in every benchmark group of a panel, on a log scale:
// each bar rises from the bottom of the axis to its value, since a log axis has no zero.
type logBars struct {
	values []float64 // one per group; NaN where the path has no figure
	offset vg.Length // from the group's centre
	width  vg.Length
	color  color.Color
}

func (lb *logBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	bottom := trY(p.Y.Min)
	for i, v := range lb.values {
		if math.IsNaN(v) || v <= 0 {
			// Not measured (the table's notes say why): a mark where the bar would be.
			sty := text.Style{Color: color.Gray{0x80}, Font: font.From(plot.DefaultFont, vg.Points(7)),
				XAlign: draw.XCenter, YAlign: draw.YBottom, Handler: p.X.Tick.Label.Handler}
			c.FillText(sty, vg.Point{X: trX(float64(i)) + lb.offset, Y: bottom + vg.Points(2)}, "n/a")
			continue
		}
		x := trX(float64(i)) + lb.offset
		top := trY(math.Min(v, p.Y.Max))
		c.FillPolygon(lb.color, c.ClipPolygonY(box(x-lb.width/2, bottom, x+lb.width/2, top)))
	}
}

// box returns the corners of a rectangle.
func box(x0, y0, x1, y1 vg.Length) []vg.Point {
	return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
}

func (lb *logBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, v := range lb.values {
		if !math.IsNaN(v) && v > 0 {
			ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
		}
	}
	return 0, float64(len(lb.values) - 1), ymin, ymax
}

func (lb *logBars) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	c.FillPolygon(lb.color, box(r.Min.X, r.Min.Y, r.Max.X, r.Max.Y))
}

// durationTicks labels a log axis in decades: 1 ns, 10 ns, 100 ns, 1 µs, ...
type durationTicks struct{}

func (durationTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		decade := math.Pow(10, e)
		if decade >= min && decade <= max {
			ticks = append(ticks, plot.Tick{Value: decade, Label: decadeLabel(decade)})
		}
		for m := 2.0; m < 10; m++ {
			if v := m * decade; v >= min && v <= max {
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
	}
	return ticks
}

// decadeLabel writes a power of ten of nanoseconds as "1 ns", "10 ns", ... "1 ms", "1 s".
func decadeLabel(ns float64) string {
	for _, u := range []struct {
		scale float64
		name  string
	}{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}} {
		if ns >= u.scale {
			return fmt.Sprintf("%g %s", math.Round(ns/u.scale*1000)/1000, u.name)
		}
	}
	return fmt.Sprintf("%g ns", ns)
}

// Chart draws the results as one panel per benchmark group, stacked: in each, a group of
// bars per benchmark and a bar per path, time per op on a log scale. It writes PNG or SVG
// by the file name's extension.
func Chart(res *Results, title string, w io.Writer, name string) error {
	cells := Cells(res)
	paths := OrderedPaths(res.Paths)
	var panels []*plot.Plot
	maxRows := 1
	for _, g := range res.Groups {
		maxRows = max(maxRows, len(res.Rows[g]))
	}
	const groupWidth = 0.8 // of the distance between groups
	for gi, g := range OrderedGroups(res.Groups) {
		rows := res.Rows[g]
		p := plot.New()
		if gi == 0 {
			p.Title.Text = title
			p.Title.TextStyle.Font.Size = vg.Points(14)
		}
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = durationTicks{}
		p.Y.Label.Text = "time per op (log scale)"
		p.X.Label.Text = GroupTitles[g]
		if p.X.Label.Text == "" {
			p.X.Label.Text = g
		}
		p.NominalX(rows...)
		p.X.Tick.Label.Rotation = math.Pi / 9
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
		p.Add(hGrid{})
		// Bar widths are in canvas units, and a panel's data width is known only when it
		// is drawn, so bars are sized for the chart's width and the panel with the most
		// rows: every panel gets the same bar width.
		var bars []*logBars
		var names []string
		for _, path := range paths {
			vals := make([]float64, len(rows))
			measured := false
			for i, r := range rows {
				vals[i] = math.NaN()
				if c, ok := cells[Key{g, r, path}]; ok && c.Skip == "" {
					vals[i], measured = c.Ns, true
				}
			}
			if measured {
				bars = append(bars, &logBars{values: vals, color: colorOf(path)})
				names = append(names, path)
			}
		}
		slot := chartWidth * 0.85 / vg.Length(maxRows) * groupWidth / vg.Length(max(len(bars), 1))
		for j, lb := range bars {
			lb.width = slot * 0.9
			lb.offset = (vg.Length(j) - vg.Length(len(bars)-1)/2) * slot
			p.Add(lb)
			p.Legend.Add(names[j], lb)
		}
		p.Legend.Top, p.Legend.Left = true, true
		p.Legend.TextStyle.Font.Size = vg.Points(9)
		// Bars rise from the decade below the shortest, so every bar shows; the head room
		// above the tallest is for the legend.
		p.Y.Min = math.Pow(10, math.Ceil(math.Log10(p.Y.Min))-1)
		p.Y.Max *= math.Pow(10, 1.2)
		p.X.Min, p.X.Max = -0.6, float64(len(rows))-0.4
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return fmt.Errorf("report: no benchmark results to chart")
	}
	height := vg.Length(len(panels)) * panelHeight
	var canvas vg.CanvasWriterTo
	switch strings.ToLower(filepath.Ext(name)) {
	case ".svg":
		canvas = vgsvg.New(chartWidth, height)
	case ".png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(chartWidth, height), vgimg.UseDPI(144))}
	default:
		return fmt.Errorf("report: chart %q: use a .png or .svg file name", name)
	}
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadY: vg.Points(6), PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(8)}
	grid := make([][]*plot.Plot, len(panels))
	for i, p := range panels {
		grid[i] = []*plot.Plot{p}
	}
	for i, cs := range plot.Align(grid, tiles, dc) {
		panels[i].Draw(cs[0])
	}
	_, err := canvas.WriteTo(w)
	return err
}

const (
	chartWidth  = 13 * vg.Inch
	panelHeight = 4.2 * vg.Inch
)

// hGrid draws horizontal lines at the major (labelled) ticks of the Y axis.
type hGrid struct{}

func (hGrid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	style := draw.LineStyle{Color: color.Gray{0xdd}, Width: vg.Points(0.5)}
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.IsMinor() {
			continue
		}
		y := trY(t.Value)
		c.StrokeLine2(style, trX(p.X.Min), y, trX(p.X.Max), y)
	}
}
