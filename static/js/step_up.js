/* Face step-up before a critical action (issue 14): templates/accounts/_step_up.html.
 *
 * When the customer sends the form without a code typed, the camera takes a short burst
 * (data-frames JPEG frames of 320x240 over data-seconds seconds), posts it to data-face-url and
 * polls the step-up's status while the server checks it in the background (one face, a blink,
 * the face of the customer's identity check). Once it PASSED, its id goes into the form's
 * step_up_id field and the form is sent, so the files chosen stay with it. A failure, a refused
 * or missing camera, or a locked face check leaves the one-time code path: "Send me a code"
 * asks for one in the background (data-code-url) and the code is typed into the form.
 * Without JavaScript the form posts as it is and the server asks for a code.
 */
(function () {
  "use strict";

  const box = document.querySelector("[data-step-up]");
  if (!box) return;
  const form = box.closest("form");
  const idInput = form.querySelector("input[name=step_up_id]");
  const codeInput = form.querySelector("input[name=step_up_code]");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const faceBlock = box.querySelector("[data-step-up-face]");
  const camera = box.querySelector("[data-step-up-camera]");
  const video = box.querySelector("[data-step-up-video]");
  const status = box.querySelector("[data-step-up-status]");
  const retry = box.querySelector("[data-step-up-retry]");
  const sendButton = box.querySelector("[data-step-up-send]");
  const sent = box.querySelector("[data-step-up-sent]");
  const frameCount = Number(box.dataset.frames || 15);
  const burstMs = Number(box.dataset.seconds || 2) * 1000;
  const WIDTH = 320, HEIGHT = 240, POLL_MS = 1000, POLL_TRIES = 90, READY_MS = 1200;

  let faceUsable = Boolean(
    faceBlock && box.dataset.face === "AVAILABLE" &&
    navigator.mediaDevices && navigator.mediaDevices.getUserMedia
  );
  let busy = false;
  if (faceUsable) faceBlock.hidden = false;
  /* Codes are asked for in the background, so Enter in a field sends the form itself. */
  sendButton.type = "button";

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function say(text) {
    if (status) status.textContent = text;
  }

  function toCode(text) {
    faceUsable = false;
    say(text);
    if (retry) retry.hidden = true;
    if (camera) camera.hidden = true;
    codeInput.focus();
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
    });
    let answer = {};
    try { answer = await response.json(); } catch (error) { answer = {}; }
    return { ok: response.ok, body: answer };
  }

  function stop(stream) {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (video) video.srcObject = null;
  }

  /* Draw the video into a 320x240 canvas (cropped to 4:3 from the middle) and take a JPEG. */
  function snapshot(canvas) {
    const context = canvas.getContext("2d");
    const vw = video.videoWidth || WIDTH, vh = video.videoHeight || HEIGHT;
    const scale = Math.max(WIDTH / vw, HEIGHT / vh);
    const sw = WIDTH / scale, sh = HEIGHT / scale;
    context.drawImage(video, (vw - sw) / 2, (vh - sh) / 2, sw, sh, 0, 0, WIDTH, HEIGHT);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
  }

  async function burst() {
    const canvas = document.createElement("canvas");
    canvas.width = WIDTH;
    canvas.height = HEIGHT;
    const shots = [];
    for (let index = 0; index < frameCount; index += 1) {
      shots.push(await snapshot(canvas));
      await wait(burstMs / frameCount);
    }
    return shots;
  }

  async function poll(url) {
    for (let attempt = 0; attempt < POLL_TRIES; attempt += 1) {
      const response = await fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } });
      const answer = await response.json();
      if (answer.status !== "PENDING" && answer.status !== "PROCESSING") return answer;
      await wait(POLL_MS);
    }
    return { status: "FAILED", message: "The check is taking too long.", face_state: "AVAILABLE" };
  }

  function failed(answer) {
    if (answer.face_state === "AVAILABLE") {
      say(answer.message + " Try again, or confirm with a code below.");
      retry.hidden = false;
      return;
    }
    if (answer.face_state === "LOCKED") {
      toCode(answer.message + " You tried the camera too many times: confirm with a code below.");
      return;
    }
    toCode(answer.message + " Confirm with a code below.");
  }

  async function faceCheck() {
    busy = true;
    retry.hidden = true;
    let stream = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: WIDTH }, height: { ideal: HEIGHT }, facingMode: "user" },
        audio: false,
      });
    } catch (error) {
      busy = false;
      toCode("We could not use your camera. Confirm with a code below.");
      return;
    }
    try {
      camera.hidden = false;
      video.srcObject = stream;
      await video.play();
      say("Look at the camera and blink once or twice…");
      await wait(READY_MS);
      const shots = await burst();
      stop(stream);
      stream = null;
      camera.hidden = true;
      say("Checking it's you…");
      const body = new FormData();
      body.append("action", box.dataset.action);
      shots.forEach((shot, index) => body.append("frames", shot, "frame-" + index + ".jpg"));
      const started = await post(box.dataset.faceUrl, body);
      if (!started.ok) {
        failed({ message: started.body.detail || "We could not check your face.",
                 face_state: started.body.code === "STEP_UP_IN_PROGRESS" ? "AVAILABLE" : "UNAVAILABLE" });
        return;
      }
      const answer = await poll(started.body.status_url);
      if (answer.status === "PASSED") {
        idInput.value = answer.step_up_id;
        say(answer.message + " Sending…");
        form.submit();
        return;
      }
      failed(answer);
    } catch (error) {
      toCode("The camera check did not work. Confirm with a code below.");
    } finally {
      stop(stream);
      busy = false;
    }
  }

  form.addEventListener("submit", (event) => {
    if (idInput.value || codeInput.value.trim()) return;
    event.preventDefault();
    if (busy) return;
    if (faceUsable) {
      faceCheck();
      return;
    }
    sent.textContent = "Confirm it's you: press \u201cSend me a code\u201d, then type the code here.";
    sendButton.focus();
  });

  if (retry) retry.addEventListener("click", () => { if (!busy) faceCheck(); });

  sendButton.addEventListener("click", async (event) => {
    event.preventDefault();
    const chosen = form.querySelector("input[name=step_up_channel]:checked");
    const body = new FormData();
    body.append("channel", chosen ? chosen.value : "EMAIL");
    sendButton.disabled = true;
    try {
      const answer = await post(box.dataset.codeUrl, body);
      sent.textContent = answer.body.detail || "We could not send a code. Try again.";
    } catch (error) {
      sent.textContent = "We could not send a code. Try again.";
    } finally {
      sendButton.disabled = false;
    }
    codeInput.focus();
  });
})();
