"""Text tools: word count and reading time."""

import gradio as gr

WORDS_PER_MINUTE = 230


def analyse(text: str) -> tuple[int, str]:
    words = len(text.split())
    minutes = words / WORDS_PER_MINUTE
    if words == 0:
        return 0, "Nothing to read yet."
    if minutes < 1:
        return words, "Less than a minute to read."
    return words, f"About {round(minutes)} minute(s) to read."


with gr.Blocks(title="Text tools") as demo:
    gr.Markdown("# Text tools\nPaste a text to count its words and see how long it takes to read.")
    text = gr.Textbox(label="Text", lines=8)
    button = gr.Button("Analyse")
    count = gr.Number(label="Words")
    reading = gr.Textbox(label="Reading time")
    button.click(analyse, inputs=text, outputs=[count, reading])

if __name__ == "__main__":
    demo.launch(server_name="0.0.0.0", server_port=7860)
