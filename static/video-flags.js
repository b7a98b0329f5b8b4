// Read by Video.js as it loads: no <style> element of its own (the page's security policy
// allows only the site's style sheets; suku.css and video-js.css size the player).
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
