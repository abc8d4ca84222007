/**
 * The sign pages' own stylesheet and script, served by Lantern itself (the CSP allows nothing else). Kept as
 * strings so the build needs no copy step and every instance serves the same bytes.
 */

/** Large text and controls, high contrast (text 16:1, buttons 8:1), a visible focus ring, fits 1366×768. */
export const SIGN_CSS = `
*{box-sizing:border-box}
html{font-size:112.5%}
body{margin:0;font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#0b0c0c;background:#f3f2f1}
.skip{position:absolute;left:-9999px;top:0;background:#ffdd00;color:#0b0c0c;padding:.5rem 1rem;font-weight:bold}
.skip:focus{left:.5rem;top:.5rem;z-index:10}
.top{background:#1d3557;color:#fff;padding:.5rem 1.25rem}
.top .school{margin:0;font-weight:bold;font-size:1.1rem}
main{max-width:46rem;margin:1rem auto 3rem;padding:1.25rem 1.5rem;background:#fff;border-radius:6px}
main:focus{outline:none}
h1{font-size:1.8rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.35rem;margin:1.5rem 0 .5rem}
h3{font-size:1.15rem;margin:1.25rem 0 .5rem}
p,li{font-size:1.1rem}
a{color:#1d4ed8}
a:focus,button:focus,input:focus,textarea:focus{outline:3px solid #0b0c0c;outline-offset:2px;box-shadow:0 0 0 6px #ffdd00}
.agreement{border-left:6px solid #1d3557;padding:.25rem 1rem;margin:1rem 0;background:#f8f8f8}
fieldset{border:2px solid #505a5f;border-radius:6px;margin:1.25rem 0;padding:.75rem 1rem 1rem}
legend{font-weight:bold;font-size:1.2rem;padding:0 .4rem}
.hint{color:#383f43;margin:.25rem 0 .75rem}
.choice{display:flex;align-items:center;gap:.75rem;margin:.5rem 0;min-height:48px}
.choice input{width:32px;height:32px;margin:0;accent-color:#1d3557;flex:none}
.choice label{font-size:1.1rem;cursor:pointer}
label.field{display:block;font-weight:bold;font-size:1.15rem;margin:1.25rem 0 .4rem}
input[type=text]{width:100%;max-width:28rem;font-size:1.2rem;padding:.6rem .75rem;min-height:52px;border:2px solid #0b0c0c;border-radius:4px}
.button{display:inline-block;font-size:1.25rem;font-weight:bold;min-height:56px;min-width:12rem;padding:.75rem 1.5rem;border:0;border-radius:6px;background:#00703c;color:#fff;cursor:pointer;text-decoration:none;text-align:center}
.button:hover{background:#005a30}
.button.secondary{background:#1d3557}
.button.secondary:hover{background:#12233b}
.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:1.5rem 0 .5rem}
.error{border-left:6px solid #d4351c;padding:.5rem 1rem;color:#0b0c0c;background:#fdf0ee;margin:1rem 0}
.error strong{color:#8a1e10}
.panel{padding:.5rem 0}
.done{border-left:6px solid #00703c;background:#eef7f1;padding:.5rem 1rem}
.status{font-weight:bold}
details.full-text{margin:1rem 0}
details.full-text summary{cursor:pointer;font-size:1.1rem;font-weight:bold;color:#1d4ed8;text-decoration:underline;padding:.5rem 0;min-height:44px}
details.full-text summary:focus{outline:3px solid #0b0c0c;outline-offset:2px;box-shadow:0 0 0 6px #ffdd00}
@media (max-width:640px){main{margin:0;border-radius:0;padding:1rem}html{font-size:100%}}
`;

/**
 * "Read it to me": reads the agreement aloud with the browser's Web Speech API. The button stays hidden where
 * speech is not available, and is a real button (keyboard and screen reader work without extra code).
 */
export const SIGN_JS = `
(function () {
  var button = document.getElementById('read-aloud');
  var text = document.getElementById('agreement-text');
  if (!button || !text || !('speechSynthesis' in window)) return;
  button.hidden = false;
  var speaking = false;
  function stop() {
    speaking = false;
    window.speechSynthesis.cancel();
    button.textContent = 'Read it to me';
    button.setAttribute('aria-pressed', 'false');
  }
  button.addEventListener('click', function () {
    if (speaking) { stop(); return; }
    var say = new SpeechSynthesisUtterance(text.innerText);
    say.lang = 'en-GB';
    say.rate = 0.9;
    say.onend = stop;
    say.onerror = stop;
    speaking = true;
    button.textContent = 'Stop reading';
    button.setAttribute('aria-pressed', 'true');
    window.speechSynthesis.speak(say);
  });
})();
`;
