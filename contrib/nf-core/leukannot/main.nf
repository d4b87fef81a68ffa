// nf-core-style module for leuk-annot (one sample per task). Copy to modules/local/leukannot/ or
// submit to nf-core/modules once leuk-annot is on Bioconda. Inputs not used for a sample are
// passed as [] (an empty list), as nf-core modules do for optional files.
process LEUKANNOT {
    tag "$meta.id"
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    // No BioContainer exists until the Bioconda recipe is published; with docker/singularity,
    // set a container for this process in your config (e.g. withName: 'LEUKANNOT' { container = ... }).

    input:
    tuple val(meta), path(vcf), path(fusions), path(sv)

    output:
    tuple val(meta), path("*.leuk-annot.html")   , emit: html
    tuple val(meta), path("*.leuk-annot.json")   , emit: json
    tuple val(meta), path("*.leuk-annot.tsv")    , emit: tsv
    tuple val(meta), path("*.leuk-annot_mqc.tsv"), emit: mqc
    path "versions.yml"                          , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def vcf_arg = vcf ? "$vcf" : ''
    // [x].flatten(): one file arrives as a Path (itself Iterable over its name parts), several as a List
    def fusion_args = fusions ? [fusions].flatten().collect { "--fusions $it" }.join(' ') : ''
    def sv_args = sv ? [sv].flatten().collect { "--sv $it" }.join(' ') : ''
    """
    leuk-annot annotate \\
        $vcf_arg \\
        $fusion_args \\
        $sv_args \\
        --sample-id $prefix \\
        -o . \\
        $args

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        leuk-annot: \$(leuk-annot --version)
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.leuk-annot.html
    touch ${prefix}.leuk-annot.json
    touch ${prefix}.leuk-annot.tsv
    touch ${prefix}.leuk-annot_mqc.tsv

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        leuk-annot: \$(leuk-annot --version)
    END_VERSIONS
    """
}
