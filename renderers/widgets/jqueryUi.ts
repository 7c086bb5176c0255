/**
 * ipywidgets 7's sliders (@jupyter-widgets/controls7, which draws every ipywidgets 7 control) use jQuery UI's
 * slider. jQuery UI 1.14 registers each file as an AMD module or, with no AMD loader (esbuild has none), on the
 * global jQuery, each expecting the files it depends on to be there already. So jQuery goes global first, then
 * the slider's dependencies load in order; controls7's own import of the slider then finds them. Imported
 * first by the renderer's entry point, before anything can load controls7.
 */
import './jqueryGlobal';
import 'jquery-ui/ui/version';
import 'jquery-ui/ui/widget';
import 'jquery-ui/ui/keycode';
import 'jquery-ui/ui/widgets/mouse';
