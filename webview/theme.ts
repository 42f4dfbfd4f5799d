// Colours come from the VS Code theme (`--vscode-*` variables set by the webview host) so the
// timeline follows light, dark and high-contrast themes. Canvas and exported SVG cannot use CSS
// variables, so they are resolved to concrete colours here and re-read when the theme changes.
import type { MarkerType } from './model';


export interface Theme {
  fg: string;
  bg: string;
  muted: string;
  border: string;
  focus: string;
  gap: string;
  highContrast: boolean;
  /** Fills for Pod revisions (a rollout shows as a change of colour). */
  revisions: string[];
  markers: Record<MarkerType, string>;
  link: string;
  service: string;
  /** Problems the view itself noticed (missed updates). */
  error: string;
  fontFamily: string;
}

// Okabe–Ito: distinguishable with the common colour-vision deficiencies. Markers also differ in
// shape, so colour is never the only cue.
const OKABE_ITO = {
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
};

function cssVar(cs: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = cs.getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

/**
 * Outside VS Code (the HTML export, the tests) no theme kind is on <body>: the page puts the one
 * the OS prefers there, and follows it, so the styles and `readTheme` know one source only.
 */
export function themeKindFromOsOutsideVsCode(): void {
  const body = document.body;
  if (/\bvscode-/.test(body.className)) return;
  const query = matchMedia('(prefers-color-scheme: light)');
  const apply = () => {
    body.classList.toggle('vscode-light', query.matches);
    body.classList.toggle('vscode-dark', !query.matches);
  };
  apply();
  query.addEventListener('change', apply);
}

export function readTheme(): Theme {
  const body = document.body;
  const cs = getComputedStyle(body);
  const highContrast = body.classList.contains('vscode-high-contrast') || body.classList.contains('vscode-high-contrast-light');
  const light = body.classList.contains('vscode-light') || body.classList.contains('vscode-high-contrast-light');
  const fg = cssVar(cs, '--vscode-foreground', light ? '#1f1f1f' : '#cccccc');
  const bg = cssVar(cs, '--vscode-editor-background', light ? '#ffffff' : '#1e1e1e');
  const muted = cssVar(cs, '--vscode-descriptionForeground', light ? '#616161' : '#9d9d9d');
  return {
    fg,
    bg,
    muted,
    border: highContrast ? cssVar(cs, '--vscode-contrastBorder', fg) : cssVar(cs, '--vscode-panel-border', light ? '#e5e5e5' : '#2b2b2b'),
    focus: cssVar(cs, '--vscode-focusBorder', '#0078d4'),
    gap: highContrast ? fg : light ? 'rgba(0,0,0,0.12)' : 'rgba(255,255,255,0.12)',
    highContrast,
    // On a light background the yellow is too faint for a fill; it goes last.
    revisions: light
      ? [OKABE_ITO.sky, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.purple, OKABE_ITO.blue, OKABE_ITO.vermillion, OKABE_ITO.yellow]
      : [OKABE_ITO.sky, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.purple, OKABE_ITO.yellow, OKABE_ITO.blue, OKABE_ITO.vermillion],
    markers: {
      created: OKABE_ITO.blue,
      ready: OKABE_ITO.green,
      unready: OKABE_ITO.orange,
      terminating: OKABE_ITO.vermillion,
      deleted: fg,
    },
    link: OKABE_ITO.vermillion,
    service: light ? '#5a5a5a' : '#b0b0b0',
    error: cssVar(cs, '--vscode-errorForeground', light ? '#a1260d' : '#f48771'),
    fontFamily: cssVar(cs, '--vscode-font-family', 'system-ui, sans-serif'),
  };
}
