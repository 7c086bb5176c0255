/**
 * A GeoJSON value (`application/geo+json`: a FeatureCollection, a Feature or a bare geometry) as a Vega spec
 * that draws its shapes on a projection fitted to them, without map tiles (they need the network): outlines
 * in the theme's text colour, fills in its accent, each feature's properties as its tooltip. No DOM here.
 */
import type { ChartTheme } from '../charts/chartTheme';

type Json = Record<string, unknown>;

/** The features to draw, whatever GeoJSON object came. */
export function featuresOf(value: unknown): Json[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the output is not a GeoJSON object');
  const geo = value as Json;
  switch (geo.type) {
    case 'FeatureCollection':
      if (!Array.isArray(geo.features)) throw new Error('the FeatureCollection has no "features" list');
      return geo.features as Json[];
    case 'Feature':
      return [geo];
    case 'Point':
    case 'MultiPoint':
    case 'LineString':
    case 'MultiLineString':
    case 'Polygon':
    case 'MultiPolygon':
    case 'GeometryCollection':
      return [{ type: 'Feature', geometry: geo, properties: {} }];
    default:
      throw new Error(`"${String(geo.type)}" is not a GeoJSON type`);
  }
}

type Ring = Array<[number, number]>;

/** Twice the ring's planar area in degrees, positive when it winds counterclockwise (longitude right, latitude up). */
function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j]![0] - ring[i]![0]) * (ring[j]![1] + ring[i]![1]);
  return sum;
}

/**
 * Rings wound as Vega's projection (d3-geo) wants them: it reads winding on the sphere, an outer ring
 * clockwise, the opposite of GeoJSON's own rule (RFC 7946: counterclockwise), so a polygon from a file that
 * follows the RFC would be drawn as the whole world minus the polygon. Outer rings are made clockwise and
 * holes counterclockwise, in the plane, which holds for shapes that do not circle a pole or the antimeridian.
 */
export function woundForProjection(geometry: unknown): unknown {
  if (typeof geometry !== 'object' || geometry === null) return geometry;
  const shape = geometry as Json;
  const rings = (polygon: unknown): unknown =>
    Array.isArray(polygon)
      ? polygon.map((ring: Ring, index) => {
          if (!Array.isArray(ring) || ring.length < 4) return ring;
          const counterclockwise = signedArea(ring) > 0;
          return (index === 0) === counterclockwise ? [...ring].reverse() : ring;
        })
      : polygon;
  switch (shape.type) {
    case 'Polygon':
      return { ...shape, coordinates: rings(shape.coordinates) };
    case 'MultiPolygon':
      return { ...shape, coordinates: Array.isArray(shape.coordinates) ? shape.coordinates.map(rings) : shape.coordinates };
    case 'GeometryCollection':
      return { ...shape, geometries: Array.isArray(shape.geometries) ? shape.geometries.map(woundForProjection) : shape.geometries };
    default:
      return shape;
  }
}

export function geojsonSpec(value: unknown, theme: ChartTheme, accent: string): Json {
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    autosize: { type: 'fit', contains: 'padding' },
    height: 360,
    padding: 8,
    signals: [{ name: 'width', init: 'containerSize()[0] || 600', on: [{ events: 'window:resize', update: 'containerSize()[0] || 600' }] }],
    data: [{ name: 'features', values: featuresOf(value).map((feature) => ({ ...feature, geometry: woundForProjection(feature.geometry) })) }],
    projections: [{ name: 'projection', type: 'mercator', fit: { signal: "data('features')" }, size: { signal: '[width, height]' } }],
    marks: [
      {
        type: 'shape',
        from: { data: 'features' },
        encode: {
          update: {
            stroke: { value: theme.foreground },
            strokeWidth: { value: 1 },
            fill: { value: accent },
            fillOpacity: { value: 0.35 },
            tooltip: { signal: 'datum.properties' },
          },
          hover: { fillOpacity: { value: 0.6 } },
        },
        transform: [{ type: 'geoshape', projection: 'projection', pointRadius: 4 }],
      },
    ],
  };
}
