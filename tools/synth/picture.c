/* A moving synthetic camera picture (I420): a slowly drifting background gradient, a
 * "face" (skin-toned ellipse with eyes and a mouth that opens and closes) that sways,
 * and a small object crossing the scene. Smooth content so VP8/VP9 code it cheaply. */
#include <math.h>

#include "synth.h"

#define PI 3.14159265358979323846

static uint8_t clamp8(double v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

static int in_ellipse(double x, double y, double cx, double cy, double rx, double ry) {
  double dx = (x - cx) / rx, dy = (y - cy) / ry;
  return dx * dx + dy * dy <= 1.0;
}

void rup__syn_picture(uint8_t *img, int w, int h, double t, int party) {
  uint8_t *Y = img, *U = img + w * h, *V = U + (w / 2) * (h / 2);
  double cx = w * (0.5 + 0.10 * sin(0.55 * t + party)), cy = h * (0.5 + 0.05 * sin(0.83 * t + 1));
  double rx = w * 0.15, ry = h * 0.33;
  double mouth = 0.5 + 0.5 * sin(6.0 * t);
  double ox = fmod(t * w * 0.08, w * 1.4) - w * 0.2, oy = h * 0.8;
  for (int y = 0; y < h; y++) {
    double row = 40.0 * (double)y / h;
    for (int x = 0; x < w; x++) {
      double v = 70 + row + 30 * sin(2 * PI * ((double)x / w * 0.7 + t * 0.03));
      if (in_ellipse(x, y, cx, cy, rx, ry)) {
        double shade = 1.0 - 0.25 * (x - cx) / rx;
        v = 165 * shade;
        if (in_ellipse(x, y, cx - rx * 0.4, cy - ry * 0.25, rx * 0.14, ry * 0.07) ||
            in_ellipse(x, y, cx + rx * 0.4, cy - ry * 0.25, rx * 0.14, ry * 0.07))
          v = 40;
        if (in_ellipse(x, y, cx, cy + ry * 0.45, rx * 0.35, ry * (0.04 + 0.08 * mouth))) v = 60;
      } else if (x >= ox && x < ox + w * 0.12 && y >= oy && y < oy + h * 0.12) {
        v = 220;
      }
      Y[y * w + x] = clamp8(v);
    }
  }
  for (int y = 0; y < h / 2; y++) {
    for (int x = 0; x < w / 2; x++) {
      int face = in_ellipse(2 * x, 2 * y, cx, cy, rx, ry);
      U[y * (w / 2) + x] = face ? 108 : (uint8_t)(party ? 140 : 118);
      V[y * (w / 2) + x] = face ? 152 : (uint8_t)(party ? 120 : 128);
    }
  }
}
