package dev.pbj.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** Horizontal bar charts of the report's figures, written as PNG with JFreeChart (headless). */
final class Charts {
  private static final Color[] SERIES = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)};

  private Charts() {}

  /**
   * Writes a chart of {@code data} (rows: series such as "median"; columns: configurations) to {@code file}.
   *
   * @param log whether the value axis is logarithmic (for figures spanning orders of magnitude)
   */
  static void bars(Path file, String title, String valueLabel, DefaultCategoryDataset data, boolean log)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    JFreeChart chart = ChartFactory.createBarChart(title, null, valueLabel, data, PlotOrientation.HORIZONTAL, true,
        false, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xcccccc));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    if (log) {
      LogAxis axis = new LogAxis(valueLabel);
      axis.setBase(10);
      axis.setSmallestValue(1);
      axis.setTickUnit(new NumberTickUnit(1.0)); // one tick per decade
      axis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
      plot.setRangeAxis(axis);
    }
    plot.getRangeAxis().setUpperMargin(0.15); // room for the value labels
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    double max = 0;
    for (int row = 0; row < data.getRowCount(); row++) {
      for (int column = 0; column < data.getColumnCount(); column++) {
        Number value = data.getValue(row, column);
        max = value == null ? max : Math.max(max, value.doubleValue());
      }
    }
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
        new DecimalFormat(max >= 10_000 ? "#,##0" : "#,##0.#")));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    for (int i = 0; i < data.getRowCount(); i++) {
      renderer.setSeriesPaint(i, SERIES[i % SERIES.length]);
    }
    int height = Math.max(320, 120 + data.getColumnCount() * (18 + 14 * data.getRowCount()));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, height);
  }
}
